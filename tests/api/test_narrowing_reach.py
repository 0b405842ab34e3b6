"""How far a narrowed artifact still travels: members-only leaves every public surface,
syndication "none" keeps to this site's pages and search, "shared" is not offered
for adaptation; media stop for readers who may no longer see the artifact."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from infra.bootstrap import Container
from infra.syndication.records import NOT_ADAPTABLE
from tests import media_samples
from tests.api.test_media_api import attach, draft
from tests.api.test_syndication import catch_up, create, publish, published
from tests.api.test_withdrawal_reach import feed, withdraw
from tests.conftest import Api

TITLE = "Morning circles at the river school"


def narrow(container: Container, artifact_id: str, visibility: str, syndication: str) -> None:
    """What the consent enforcement records when a consent narrows."""
    archive = container.archive
    artifact: Any = archive.repository.get(UUID(artifact_id))
    reason = "Narrowed because a consent it relied on narrowed."
    artifact.narrow(visibility, syndication, reason, "consent-enforcement", datetime.now(UTC))
    archive.save(artifact)


def oai_record(api: Api, container: Container, artifact_id: str) -> str:
    host = container.records.base.split("//", 1)[1].split(":")[0]
    return api.client.get(
        "/oai",
        params={
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:{host}:{artifact_id}",
        },
    ).text


def search(api: Api, who: str | None = None) -> dict[str, Any]:
    headers = api.as_(who) if who else {}
    found: dict[str, Any] = api.client.get(
        "/api/v1/search", params={"q": "river"}, headers=headers
    ).json()
    return found


def counted(facets: dict[str, Any]) -> int:
    """Every count the facets give, added up."""
    return sum(
        int(entry.get("count", 0))
        for values in facets.values()
        if isinstance(values, list)
        for entry in values
        if isinstance(entry, dict)
    )


def in_feeds(api: Api, artifact_id: str) -> list[str]:
    feeds = {name: api.client.get(f"/feeds/{name}").text for name in ("atom", "json")}
    return [name for name, text in feeds.items() if artifact_id in text]


def test_narrowed_to_members_it_leaves_every_public_surface_but_members_still_find_it(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, {**ready_story, "title": TITLE})
    catch_up(container)
    assert search(api)["total"] == 1 and counted(search(api)["facets"]) > 0
    assert in_feeds(api, artifact_id) == ["atom", "json"]
    assert TITLE in oai_record(api, container, artifact_id)

    narrow(container, artifact_id, "members", "none")
    catch_up(container)

    public = search(api)
    assert public["total"] == 0 and public["hits"] == [] and counted(public["facets"]) == 0
    assert [hit["id"] for hit in search(api, "member")["hits"]] == [artifact_id]
    assert in_feeds(api, artifact_id) == []
    record = oai_record(api, container, artifact_id)
    assert 'status="deleted"' in record and TITLE not in record
    for path in ("jsonld", "package"):
        answer = api.client.get(f"/api/v1/artifacts/{artifact_id}/{path}")
        assert answer.status_code == 404, path
    changes = [c for c in feed(api) if c["id"] == artifact_id]
    assert [c["type"] for c in changes] == ["published", "withdrawn"]
    assert all("title" not in c and "url" not in c for c in changes)
    assert TITLE not in api.client.get("/api/v1/changes").text


def test_syndication_none_keeps_to_this_sites_pages_and_search(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    here, _ = published(api, {**ready_story, "title": TITLE, "syndication": "none"})
    travelling, _ = published(api, {**ready_story, "title": "River walk"})
    catch_up(container)
    assert {hit["id"] for hit in search(api)["hits"]} == {here, travelling}
    assert api.client.get(f"/api/v1/artifacts/{here}").status_code == 200
    assert in_feeds(api, here) == [] and in_feeds(api, travelling) == ["atom", "json"]
    assert "idDoesNotExist" in oai_record(api, container, here)
    assert api.client.get(f"/api/v1/artifacts/{here}/package").status_code == 404
    assert here not in api.client.get("/api/v1/changes").text

    narrow(container, travelling, "public", "none")  # it was harvested before: a deleted header
    catch_up(container)
    assert 'status="deleted"' in oai_record(api, container, travelling)
    assert in_feeds(api, travelling) == []
    assert api.client.get(f"/api/v1/artifacts/{travelling}/package").status_code == 404
    assert {hit["id"] for hit in search(api)["hits"]} == {here, travelling}


def test_a_shared_work_is_not_offered_for_adaptation(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, {**ready_story, "title": TITLE})
    catch_up(container)
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()
    assert "conditionsOfAccess" not in jsonld

    narrow(container, artifact_id, "public", "shared")
    catch_up(container)
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()
    assert jsonld["conditionsOfAccess"] == NOT_ADAPTABLE
    assert in_feeds(api, artifact_id) == ["atom", "json"]  # still shared
    package = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    with zipfile.ZipFile(io.BytesIO(package.content)) as bag:
        attribution = next(
            bag.read(name).decode() for name in bag.namelist() if name.endswith("LICENSE.txt")
        )
    assert "do not adapt it" in attribution and "If you adapt" not in attribution


def test_media_stop_for_readers_who_lost_the_artifact(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    narrowed = draft(api, ready_story)
    photo = attach(api, narrowed["id"], media_samples.png(), "image/png", alt="River")
    publish(api, narrowed["id"], photo["etag"])
    gone = draft(api, ready_story)
    other = attach(api, gone["id"], media_samples.png(), "image/png", alt="River")
    publish(api, gone["id"], other["etag"])
    urls = [f"/media/{photo['media_id']}", f"/media/{other['media_id']}"]
    for url in urls:
        served = api.client.get(url)
        assert served.status_code == 200
        assert served.headers["cache-control"] == "public, max-age=60"

    narrow(container, narrowed["id"], "members", "none")
    withdraw(api, gone["id"])
    for url in urls:
        assert api.client.get(url).status_code == 404, url
    member = api.client.get(urls[0], headers=api.as_("member"))
    assert member.status_code == 200 and member.headers["cache-control"] == "private, no-store"
    assert api.client.get(urls[1], headers=api.as_("member")).status_code == 404


def test_a_work_with_nothing_narrowed_is_untouched(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, etag = create(api, {**ready_story, "title": TITLE})
    publish(api, artifact_id, etag)
    catch_up(container)
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()
    assert jsonld["name"] == TITLE and "conditionsOfAccess" not in jsonld


def test_an_adaptation_of_a_shared_work_is_not_recorded_by_it(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    from services.indexer.outbox import sender_for
    from tests.api.test_withdrawal_reach import adaptation, summary

    shared, _ = published(api, {**ready_story, "syndication": "shared"})
    adaptable, _ = published(api, ready_story)
    adaptation(api, shared)
    adaptation(api, adaptable)
    sender_for(container).catch_up()  # each source hears of its adaptation
    assert summary(api, adaptable, "anonymous")[0]["count"] == 1
    assert summary(api, shared, "anonymous")[0]["count"] == 0
    assert summary(api, shared, "editor")[0]["count"] == 0


def test_no_new_presigned_link_once_the_work_is_narrowed(
    api: Api, container: Container, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.test_media_api import StandInPresigningStore

    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="River")
    publish(api, story["id"], photo["etag"])
    monkeypatch.setattr(container.media, "store", StandInPresigningStore(container.media.store))
    url = f"/media/{photo['media_id']}"
    served = api.client.get(url, follow_redirects=False)
    assert served.status_code == 307 and served.headers["cache-control"] == "public, max-age=30"

    narrow(container, story["id"], "members", "none")
    refused = api.client.get(url, follow_redirects=False)
    assert refused.status_code == 404 and "location" not in refused.headers
    member = api.client.get(url, follow_redirects=False, headers=api.as_("member"))
    assert member.status_code == 307 and member.headers["cache-control"] == "private, no-store"
