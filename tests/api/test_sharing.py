"""Sharing: lineage links lead readers to web pages, packages carry their images,
feeds point at absolute addresses."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import bagit
import feedparser

from domain.app.adaptations import _graph_node, remote_ancestry
from domain.app.lineage import page_of
from infra.bootstrap import Container
from services.indexer.outbox import sender_for
from tests import media_samples
from tests.api.test_adaptations import adapt, published
from tests.api.test_syndication import catch_up
from tests.conftest import Api
from tests.media_samples import sha

HREF = re.compile(r'href="([^"]+)"')
SRC = re.compile(r'src="([^"]+)"')


def lineage_hrefs(html: str) -> list[str]:
    section = html.split('id="lineage-title"', 1)[1].split("</section>", 1)[0]
    return HREF.findall(section)


def test_lineage_on_the_page_links_web_pages_not_json(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin = published(api, ready_story)
    draft = adapt(api, {"artifact_id": origin})
    adaptation = draft.json()["id"]
    noted = api.client.patch(
        f"/api/v1/artifacts/{adaptation}",
        json={"adaptation_note": "Set in a Nottingham primary."},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    done = api.client.post(
        f"/api/v1/artifacts/{adaptation}/publish",
        headers=api.as_("editor", **{"If-Match": noted.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    base = container.records.base
    adapted_page = api.client.get(f"/artifacts/{adaptation}").text
    assert lineage_hrefs(adapted_page) == [f"{base}/artifacts/{origin}"]
    sender_for(container).catch_up()  # the outbox tells the source about its adaptation
    origin_page = api.client.get(f"/artifacts/{origin}").text
    assert lineage_hrefs(origin_page) == [f"{base}/artifacts/{adaptation}"]
    graph = api.client.get(f"/api/v1/artifacts/{adaptation}/lineage").json()
    by_page = {n["page"]: n["url"] for n in graph["nodes"]}
    assert by_page[f"{base}/artifacts/{origin}"] == f"{base}/api/v1/artifacts/{origin}"
    jsonld = api.client.get(f"/api/v1/artifacts/{adaptation}/jsonld").json()
    assert jsonld["isBasedOn"]["url"] == f"{base}/artifacts/{origin}"


def test_remote_nodes_use_the_page_their_site_names() -> None:
    ancestry = remote_ancestry(
        {
            "@id": "https://other.example/api/v1/artifacts/0b0c6a54-6d3c-4a53-9f7f-5b8b8e0f7a11",
            "url": "https://other.example/stories/circles",
            "name": "Circles",
            "isBasedOn": {"@id": "https://third.example/api/v1/artifacts/abc", "name": "Root"},
        }
    )
    assert [page_of(n) for n in ancestry] == [
        "https://other.example/stories/circles",
        "https://third.example/artifacts/abc",
    ]
    node = _graph_node(ancestry[0], ancestry[0]["uri"], -1)
    assert node["page"] == "https://other.example/stories/circles"
    assert node["url"] == ancestry[0]["uri"]
    # A page that is not a web address is not linked; a non-Commonplace id gives none.
    assert page_of({"page": "javascript:alert(1)", "uri": "https://x.example/a"}) is None
    assert page_of({"uri": "https://x.example/api/v1/artifacts/7"}) == "https://x.example/artifacts/7"


def attach_image(api: Api, artifact_id: str) -> tuple[str, str]:
    """Upload a PNG to a draft; (media id, the draft's new ETag)."""
    data = media_samples.png()
    declared = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/media",
        json={
            "filename": "circle map.png",
            "content_type": "image/png",
            "size": len(data),
            "sha256": sha(data),
            "alt": "A map of the circle",
        },
        headers=api.as_("partner"),
    )
    assert declared.status_code == 201, declared.text
    media = declared.json()
    api.client.put(media["upload"]["url"], content=data, headers=api.as_("partner"))
    done = api.client.post(media["complete_url"], headers=api.as_("partner"))
    assert done.status_code == 200, done.text
    return media["media_id"], done.headers["ETag"]


def story_with_image(api: Api, container: Container, ready_story: dict[str, Any]) -> str:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **ready_story}, headers=api.as_("partner")
    )
    artifact_id = created.json()["id"]
    media_id, etag = attach_image(api, artifact_id)
    revised = api.client.patch(
        f"/api/v1/artifacts/{artifact_id}",
        json={"body": f"Drawn.\n\n![The circle](media:{media_id})\n\n[File](media:{media_id})"},
        headers=api.as_("partner", **{"If-Match": etag}),
    )
    assert revised.status_code == 200, revised.text
    done = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": revised.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    catch_up(container)
    return str(artifact_id)


def test_package_html_points_at_the_media_it_carries(
    api: Api, container: Container, ready_story: dict[str, Any], tmp_path: Path
) -> None:
    artifact_id = story_with_image(api, container, ready_story)
    [media] = api.client.get(f"/api/v1/artifacts/{artifact_id}").json()["media"]
    media_id = media["id"]
    response = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as zipped:
        zipped.extractall(tmp_path / "unzipped")
    [bag_dir] = list((tmp_path / "unzipped").iterdir())
    bagit.Bag(str(bag_dir)).validate()
    data = bag_dir / "data"
    html = (data / "artifact.html").read_text()
    sources = SRC.findall(html) + HREF.findall(html)
    assert len(SRC.findall(html)) == 2  # in the body, and among the attached media
    for source in sources:
        assert not source.startswith(("/", "http")), source
        assert (data / source).is_file(), source
    served = api.client.get(f"/media/{media_id}").content
    assert (data / SRC.findall(html)[0]).read_bytes() == served


def test_feeds_point_images_at_absolute_addresses(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id = story_with_image(api, container, ready_story)
    base = container.settings.base_url.rstrip("/")
    json_feed = api.client.get("/feeds/json").json()
    [item] = json_feed["items"]
    atom = feedparser.parse(api.client.get("/feeds/atom").content)
    [entry] = atom.entries
    for html in (item["content_html"], entry.content[0].value):
        [image] = SRC.findall(html)
        assert image.startswith(f"{base}/media/"), image
        response = api.client.get(image.removeprefix(base))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/")
    assert artifact_id in item["id"]
