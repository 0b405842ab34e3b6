"""Collections over HTTP: curating, reading, listing, and every public surface of one
(JSON-LD, Atom, JSON Feed, OAI-PMH set, BagIt package), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import bagit
import feedparser
from lxml import etree
from pyld import jsonld

from domain.artifact import Artifact
from infra.bootstrap import Container, build_indexer, build_oai_repository
from tests.api.test_syndication import published
from tests.conftest import Api

OAI = "{http://www.openarchives.org/OAI/2.0/}"


def index(container: Container) -> None:
    build_indexer(container).catch_up()


def make(api: Api, slug: str = "tucson-2023", who: str = "editor") -> str:
    answer = api.client.post(
        "/api/v1/collections",
        json={"slug": slug, "title": "Tucson convening 2023", "introduction": "We *met*."},
        headers=api.as_(who),
    )
    assert answer.status_code == 201, answer.text
    return str(answer.headers["ETag"])


def add(api: Api, etag: str, item: dict[str, Any], slug: str = "tucson-2023") -> str:
    answer = api.client.post(
        f"/api/v1/collections/{slug}/items",
        json=item,
        headers=api.as_("editor", **{"If-Match": etag}),
    )
    assert answer.status_code == 201, answer.text
    return str(answer.headers["ETag"])


def filled(api: Api, story: dict[str, Any]) -> tuple[list[str], str]:
    """A collection of three published works and a link; their ids and the ETag."""
    ids = [
        published(api, {**story, "title": "Open story"})[0],
        published(api, {**story, "title": "Reserved story", "licence": "all-rights-reserved"})[0],
        published(api, {**story, "title": "Unshared story", "syndication": "none"})[0],
    ]
    etag = make(api)
    for artifact_id in ids:
        etag = add(api, etag, {"artifact_id": artifact_id})
    etag = add(api, etag, {"url": "https://example.org/elsewhere", "title": "Elsewhere"})
    return ids, etag


def test_curating_reordering_and_reading_a_collection(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    ids, etag = filled(api, ready_story)
    read = api.client.get("/api/v1/collections/tucson-2023")
    assert read.status_code == 200
    body = read.json()
    assert read.headers["ETag"] == etag
    assert [i["title"] for i in body["items"]] == [
        "Open story",
        "Reserved story",
        "Unshared story",
        "Elsewhere",
    ]
    assert "<em>met</em>" in body["introduction_html"]
    order = [i["id"] for i in reversed(body["items"])]
    moved = api.client.put(
        "/api/v1/collections/tucson-2023/order",
        json={"order": order},
        headers=api.as_("editor", **{"If-Match": etag}),
    )
    assert moved.status_code == 200, moved.text
    assert [i["id"] for i in moved.json()["items"]] == order
    stale = api.client.patch(
        "/api/v1/collections/tucson-2023",
        json={"title": "Renamed"},
        headers=api.as_("editor", **{"If-Match": etag}),
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    renamed = api.client.patch(
        "/api/v1/collections/tucson-2023",
        json={"title": "Renamed"},
        headers=api.as_("editor", **{"If-Match": moved.headers["ETag"]}),
    )
    assert renamed.json()["title"] == "Renamed"
    removed = api.client.delete(
        f"/api/v1/collections/tucson-2023/items/{ids[0]}",
        headers=api.as_("editor", **{"If-Match": renamed.headers["ETag"]}),
    )
    assert ids[0] not in [i["id"] for i in removed.json()["items"]]
    index(container)
    listed = api.client.get("/api/v1/collections").json()["collections"]
    assert [(c["slug"], c["title"]) for c in listed] == [("tucson-2023", "Renamed")]


def test_client_mistakes_are_problems(api: Api, ready_story: dict[str, Any]) -> None:
    etag = make(api)
    cases = [
        (api.client.post("/api/v1/collections", json={"slug": "a-b", "title": "T"}), 401),
        (
            api.client.post(
                "/api/v1/collections", json={"slug": "a-b", "title": "T"}, headers=api.as_("member")
            ),
            403,
        ),
        (
            api.client.post(
                "/api/v1/collections",
                json={"slug": "tucson-2023", "title": "Again"},
                headers=api.as_("partner"),
            ),
            409,
        ),
        (
            api.client.post(
                "/api/v1/collections",
                json={"slug": "Bad Slug", "title": "T"},
                headers=api.as_("editor"),
            ),
            422,
        ),
        (api.client.get("/api/v1/collections/no-such-one"), 404),
        (
            api.client.post(
                "/api/v1/collections/tucson-2023/items",
                json={"url": "https://example.org"},
                headers=api.as_("editor", **{"If-Match": etag}),
            ),
            422,
        ),
        (
            api.client.post(
                "/api/v1/collections/tucson-2023/items",
                json={"url": "javascript:alert(1)", "title": "x"},
                headers=api.as_("editor", **{"If-Match": etag}),
            ),
            422,
        ),
        (
            api.client.post(
                "/api/v1/collections/tucson-2023/items",
                json={"url": "https://example.org", "title": "x"},
                headers=api.as_("editor"),
            ),
            428,
        ),
        (
            api.client.patch(
                "/api/v1/collections/tucson-2023",
                json={"title": "Mine"},
                headers=api.as_("partner", **{"If-Match": etag}),
            ),
            403,
        ),
        (
            api.client.put(
                "/api/v1/collections/tucson-2023/order",
                json={"order": ["nothing"]},
                headers=api.as_("editor", **{"If-Match": etag}),
            ),
            422,
        ),
        (api.client.get("/api/v1/collections/no-such-one/jsonld"), 404),
        (api.client.get("/feeds/collections/no-such-one/atom"), 404),
    ]
    for answer, status in cases:
        assert answer.status_code == status, (answer.request.url, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


def test_collection_surfaces_for_other_sites(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    filled(api, ready_story)
    index(container)
    document = api.client.get("/api/v1/collections/tucson-2023/jsonld")
    assert document.headers["content-type"] == "application/ld+json"
    data = document.json()
    assert data["@type"] == "Collection"
    assert [p["name"] for p in data["hasPart"]] == [
        "Open story",
        "Reserved story",
        "Unshared story",
        "Elsewhere",
    ]
    expanded = jsonld.expand(data)
    assert expanded[0]["https://schema.org/hasPart"]
    atom = feedparser.parse(api.client.get("/feeds/collections/tucson-2023/atom").content)
    assert not atom.bozo
    assert atom.feed.title == "Tucson convening 2023"
    # A work whose people chose no syndication is on the page, not in feeds.
    assert [e.title for e in atom.entries] == ["Open story", "Reserved story"]
    feed = api.client.get("/feeds/collections/tucson-2023/json").json()
    assert [i["title"] for i in feed["items"]] == ["Open story", "Reserved story"]
    assert feed["description"] == "We *met*."


def package_names(api: Api) -> list[str]:
    answer = api.client.get("/api/v1/collections/tucson-2023/package")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(answer.content)).namelist()


def test_the_package_holds_only_work_that_may_travel(
    api: Api, container: Container, ready_story: dict[str, Any], tmp_path: Any
) -> None:
    ids, _ = filled(api, ready_story)
    index(container)
    answer = api.client.get("/api/v1/collections/tucson-2023/package")
    zipped = zipfile.ZipFile(io.BytesIO(answer.content))
    zipped.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / "commonplace-collection-tucson-2023"))
    bag.validate()
    folders = {name.split("/")[2] for name in zipped.namelist() if name.count("/") > 2}
    assert folders == {f"001-{ids[0]}"}  # not all rights reserved, not unshared
    names = zipped.namelist()
    assert f"commonplace-collection-tucson-2023/data/001-{ids[0]}/artifact.md" in names
    assert "commonplace-collection-tucson-2023/data/collection.jsonld" in names
    readme = zipped.read("commonplace-collection-tucson-2023/data/README.md").decode()
    assert "Open story" in readme and "Reserved story" not in readme


def withdraw(api: Api, artifact_id: str) -> None:
    etag = api.client.get(f"/api/v1/artifacts/{artifact_id}", headers=api.as_("editor"))
    answer = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "Consent withdrawn"},
        headers=api.as_("editor", **{"If-Match": etag.headers["ETag"]}),
    )
    assert answer.status_code == 200, answer.text


def test_a_withdrawn_or_narrowed_work_leaves_every_surface_of_its_collection(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    kept = published(api, {**ready_story, "title": "Kept story"})[0]
    gone = published(api, {**ready_story, "title": "Withdrawn secret"})[0]
    narrowed = published(api, {**ready_story, "title": "Narrowed secret"})[0]
    etag = make(api)
    for artifact_id in (kept, gone, narrowed):
        etag = add(api, etag, {"artifact_id": artifact_id})
    index(container)
    assert b"Withdrawn secret" in api.client.get("/feeds/collections/tucson-2023/atom").content
    withdraw(api, gone)
    artifact = container.archive.load(Artifact, UUID(narrowed))
    artifact.narrow("members", "none", "consent narrowed", "test", datetime.now(UTC))
    container.archive.store.save(artifact)
    # At once, before the indexer has seen the withdrawal:
    surfaces = [
        "/api/v1/collections/tucson-2023",
        "/api/v1/collections/tucson-2023/jsonld",
        "/feeds/collections/tucson-2023/atom",
        "/feeds/collections/tucson-2023/json",
        "/collections/tucson-2023",
    ]
    for path in surfaces:
        text = api.client.get(path).text
        assert "Kept story" in text, path
        assert "Withdrawn secret" not in text and "Narrowed secret" not in text, path
    assert len(package_names(api)) > 0
    assert not [n for n in package_names(api) if gone in n or narrowed in n]
    index(container)
    answer = api.client.get(
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=collection:tucson-2023"
    )
    headers = etree.fromstring(answer.content).iter(f"{OAI}header")
    status = {h.findtext(f"{OAI}identifier").rsplit(":", 1)[1]: h.get("status") for h in headers}
    assert status == {kept: None, gone: "deleted", narrowed: "deleted"}
    records = api.client.get(
        "/oai?verb=ListRecords&metadataPrefix=oai_dc&set=collection:tucson-2023"
    ).text
    assert "Kept story" in records and "secret" not in records
    editor_view = api.client.get("/api/v1/collections/tucson-2023", headers=api.as_("editor"))
    assert {i["id"] for i in editor_view.json()["unavailable"]} == {gone}  # members see narrowed
    assert "Withdrawn secret" not in editor_view.text


def test_the_oai_set_of_a_collection(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    ids, _ = filled(api, ready_story)
    index(container)
    sets = etree.fromstring(api.client.get("/oai?verb=ListSets").content)
    named = {
        s.findtext(f"{OAI}setSpec"): s.findtext(f"{OAI}setName") for s in sets.iter(OAI + "set")
    }
    assert named["collection:tucson-2023"] == "Collection: Tucson convening 2023"
    answer = api.client.get(
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=collection:tucson-2023"
    )
    found = [
        h.findtext(f"{OAI}identifier").rsplit(":", 1)[1]
        for h in etree.fromstring(answer.content).iter(f"{OAI}header")
    ]
    # Public records only: the work kept from syndication is not harvested, nor the link.
    assert sorted(found) == sorted(ids[:2])
    # Each header names the collection among its sets, in the set's listing and elsewhere.
    for listing in (answer, api.client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")):
        for header in etree.fromstring(listing.content).iter(f"{OAI}header"):
            if header.findtext(f"{OAI}identifier").rsplit(":", 1)[1] in ids[:2]:
                specs = [s.text for s in header.iter(f"{OAI}setSpec")]
                assert "collection:tucson-2023" in specs
    identifier = next(
        h.findtext(f"{OAI}identifier")
        for h in etree.fromstring(answer.content).iter(f"{OAI}header")
        if h.findtext(f"{OAI}identifier").endswith(ids[0])
    )
    record = api.client.get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}")
    assert b"<setSpec>collection:tucson-2023</setSpec>" in record.content
    empty = api.client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=collection:nothing")
    assert b'code="noRecordsMatch"' in empty.content


def test_a_collection_set_is_harvested_page_by_page_and_by_date(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    ids, _ = filled(api, ready_story)
    index(container)
    repository = build_oai_repository(container, page_size=1)
    ask = [("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc")]
    found: list[str] = []
    arguments = [*ask, ("set", "collection:tucson-2023")]
    while True:
        answer = etree.fromstring(repository.respond(arguments))
        found += [h.findtext(f"{OAI}identifier") for h in answer.iter(f"{OAI}header")]
        token = answer.findtext(f".//{OAI}resumptionToken")
        if not token:
            break
        arguments = [("verb", "ListIdentifiers"), ("resumptionToken", token)]
    assert sorted(i.rsplit(":", 1)[1] for i in found) == sorted(ids[:2])
    later = [*ask, ("set", "collection:tucson-2023"), ("from", "2999-01-01")]
    assert b'code="noRecordsMatch"' in repository.respond(later)
