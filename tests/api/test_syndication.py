"""What other sites pull, checked with the clients they use: feedparser, bagit, pyld."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import bagit
import feedparser
import pytest
from pyld import jsonld

from infra.bootstrap import Container
from services.indexer.runner import Indexer
from tests import media_samples
from tests.conftest import Api
from tests.media_samples import sha


def catch_up(container: Container) -> None:
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
    ).catch_up()


def create(api: Api, content: dict[str, Any]) -> tuple[str, str]:
    response = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_("partner")
    )
    return response.json()["id"], response.headers["ETag"]


def publish(api: Api, artifact_id: str, etag: str) -> str:
    response = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish", headers=api.as_("editor", **{"If-Match": etag})
    )
    assert response.status_code == 200, response.text
    return str(response.headers["ETag"])


def published(api: Api, content: dict[str, Any]) -> tuple[str, str]:
    artifact_id, etag = create(api, content)
    return artifact_id, publish(api, artifact_id, etag)


def test_change_feed_keeps_a_mirror_exactly_in_sync(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    a, a_etag = published(api, {**ready_story, "title": "Story A"})
    b, _b_etag = published(api, {**ready_story, "title": "Story B"})
    revised = api.client.patch(
        f"/api/v1/artifacts/{a}",
        json={"summary": "new"},
        headers=api.as_("partner", **{"If-Match": a_etag}),
    )
    publish(api, a, revised.headers["ETag"])
    api.client.post(
        f"/api/v1/artifacts/{b}/withdraw", json={"reason": "consent"}, headers=api.as_("editor")
    )
    published(api, {**ready_story, "title": "Members only", "visibility": "members"})
    catch_up(container)

    mirror: dict[str, int] = {}
    seen: list[tuple[str, str]] = []
    cursor = None
    for _ in range(10):
        url = "/api/v1/changes?limit=2" + (f"&after={cursor}" if cursor else "")
        page = api.client.get(url).json()
        for change in page["changes"]:
            seen.append((change["type"], change.get("title")))
            if change["type"] == "withdrawn":
                mirror.pop(change["id"], None)
            else:
                mirror[change["id"]] = change["version"]
        cursor = page["next"]
        if not page["more"]:
            break
    assert seen == [
        ("published", "Story A"),
        ("published", None),  # Story B: its withdrawal took its title off
        ("republished", "Story A"),
        ("withdrawn", None),
    ]
    assert list(mirror) == [a]
    assert api.client.get(f"/api/v1/changes?after={cursor}").json()["changes"] == []
    assert api.client.get("/api/v1/changes?after=not-a-cursor").status_code == 400


def test_feeds_parse_filter_and_answer_conditional_gets(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    published(api, ready_story)
    published(
        api,
        {
            **ready_story,
            "title": "Elsewhere",
            "place": "england",
            "terms": ["principles:see-the-system"],
        },
    )
    catch_up(container)
    atom = api.client.get("/feeds/atom")
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == ["Elsewhere", ready_story["title"]]
    links = {link["type"]: link["href"] for link in parsed.entries[0].links}
    assert links["application/ld+json"].endswith("/jsonld")
    assert links["application/zip"].endswith("/package")
    in_arizona = feedparser.parse(api.client.get("/feeds/atom?place=arizona").content)
    assert [e.title for e in in_arizona.entries] == [ready_story["title"]]
    by_principle = api.client.get("/feeds/json?principle=see-the-system").json()
    assert by_principle["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in by_principle["items"]] == ["Elsewhere"]
    # feedparser 6.0 reads no JSON Feed, so the JSON Feed 1.1 rules are checked directly.
    stories = api.client.get("/feeds/json?kind=story")
    assert stories.headers["content-type"] == "application/feed+json"
    assert_json_feed_1_1(stories.json())
    assert len(stories.json()["items"]) == 2
    again = api.client.get("/feeds/atom", headers={"If-None-Match": atom.headers["ETag"]})
    assert again.status_code == 304
    later = api.client.get(
        "/feeds/atom", headers={"If-Modified-Since": atom.headers["Last-Modified"]}
    )
    assert later.status_code == 304


def assert_json_feed_1_1(feed: dict[str, Any]) -> None:
    """The required and typed members of https://jsonfeed.org/version/1.1."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"].startswith("http") and feed["home_page_url"].startswith("http")
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        for stamp in ("date_published", "date_modified"):
            datetime.fromisoformat(item[stamp])  # RFC 3339
        assert all(isinstance(author["name"], str) for author in item["authors"])
        assert all({"url", "mime_type"} <= set(a) for a in item["attachments"])


def test_jsonld_expands_and_carries_alignment_place_and_licence(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, ready_story)
    document = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld")
    assert document.headers["content-type"] == "application/ld+json"
    negotiated = api.client.get(
        f"/api/v1/artifacts/{artifact_id}", headers={"Accept": "application/ld+json"}
    )
    assert negotiated.json() == document.json()
    expanded = jsonld.expand(document.json())
    node = expanded[0]
    assert "https://schema.org/LearningResource" in node["@type"]
    assert node["https://schema.org/license"] == [
        {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    ]
    alignment = node["https://schema.org/educationalAlignment"]
    assert {a["https://schema.org/targetName"][0]["@value"] for a in alignment} >= {
        "Lead with learning"
    }
    geo = node["https://schema.org/spatialCoverage"][0]["https://schema.org/geo"][0]
    assert geo["https://schema.org/latitude"][0]["@value"] == pytest.approx(32.13)


def test_members_only_drafts_and_withdrawn_are_never_syndicated(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    members, _ = published(api, {**ready_story, "visibility": "members"})
    draft, _ = create(api, ready_story)
    gone, _ = published(api, ready_story)
    api.client.post(
        f"/api/v1/artifacts/{gone}/withdraw", json={"reason": "consent"}, headers=api.as_("editor")
    )
    catch_up(container)
    for artifact_id, status in ((members, 404), (draft, 404), (gone, 410)):
        for suffix in ("/jsonld", "/package"):
            response = api.client.get(f"/api/v1/artifacts/{artifact_id}{suffix}")
            assert response.status_code == status, (suffix, response.text)
    assert feedparser.parse(api.client.get("/feeds/atom").content).entries == []


def test_package_is_a_valid_bag_with_media_and_attribution(
    api: Api, container: Container, ready_story: dict[str, Any], tmp_path: Path
) -> None:
    artifact_id, _etag = create(api, ready_story)
    data = media_samples.pdf()
    declared = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/media",
        json={
            "filename": "plan.pdf",
            "content_type": "application/pdf",
            "size": len(data),
            "sha256": sha(data),
        },
        headers=api.as_("partner"),
    ).json()
    api.client.put(declared["upload"]["url"], content=data, headers=api.as_("partner"))
    done = api.client.post(declared["complete_url"], headers=api.as_("partner"))
    publish(api, artifact_id, done.headers["ETag"])
    response = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        zipped.extractall(tmp_path / "unzipped")
    [bag_dir] = list((tmp_path / "unzipped").iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert bag.info["External-Identifier"].endswith(artifact_id)
    payload = {Path(p).name for p in bag.payload_files()}
    assert {"artifact.md", "artifact.html", "metadata.jsonld", "LICENSE.txt"} <= payload
    assert any(name.endswith("plan.pdf") for name in payload)
    assert (bag_dir / "manifest-sha256.txt").exists()
    licence = (bag_dir / "data" / "LICENSE.txt").read_text()
    assert "CC BY 4.0" in licence and "Ms. Lopez (storyteller)" in licence
    metadata = json.loads((bag_dir / "data" / "metadata.jsonld").read_text())
    assert metadata["name"] == ready_story["title"]
