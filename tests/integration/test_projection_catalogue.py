"""Catalogue changes reach the search index and the publications read model without a reindex.

Renaming a place, moving it under another place, giving it new coordinates and
editing a framework's terms are projected by the indexer itself: every search
document and every public record that shows them is derived again, on SQLite and
on PostgreSQL.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from domain.access import SYSTEM
from domain.application import Archive
from domain.ports.search import SearchQuery
from infra.bootstrap import Container
from services.api.app import create_app
from services.indexer.runner import Indexer
from tests.conftest import EDITOR, PARTNER


def indexer(container: Container) -> Indexer:
    return Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
    )


def publish(archive: Archive, content: dict[str, Any]) -> str:
    created = archive.artifacts.create(PARTNER, "story", content)
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return str(created.id)


def ids(container: Container, query: SearchQuery) -> set[str]:
    return {hit.id for hit in container.search.search(query).hits}


def record_place(container: Container, artifact_id: str) -> dict[str, Any]:
    row = container.publications.get(artifact_id)
    assert row is not None and row.record is not None
    place: dict[str, Any] = container.records.from_stored(artifact_id, row.record)["place"]
    return place


def test_a_renamed_place_shows_in_search_and_in_the_oai_record_without_reindex(
    container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    running = indexer(container)
    story = publish(archive, ready_story)
    elsewhere = publish(archive, {**ready_story, "title": "Elsewhere", "place": "england"})
    running.catch_up()
    assert not ids(container, SearchQuery(q="Lighthouse"))

    archive.catalogue.update_place(SYSTEM, "sunnyside", {"name": "Lighthouse District"})
    running.catch_up()

    assert ids(container, SearchQuery(q="Lighthouse")) == {story}
    document = container.search.document(story)
    assert document is not None
    assert document["place_names"][-2] == "Lighthouse District"
    assert (container.search.document(elsewhere) or {})["place_names"] == ["England"]
    assert record_place(container, story)["path"][-2] == "Lighthouse District"
    client = TestClient(create_app(container=container))
    harvest = client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert harvest.status_code == 200
    assert "Desert View High School, Lighthouse District, Tucson" in harvest.text
    jsonld = client.get(f"/api/v1/artifacts/{story}/jsonld").json()
    assert "Lighthouse District" in jsonld["spatialCoverage"]["address"]


def test_a_moved_place_changes_paths_sets_and_coordinates(
    container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    running = indexer(container)
    story = publish(archive, ready_story)
    running.catch_up()
    assert ids(container, SearchQuery(places=("arizona",))) == {story}

    archive.catalogue.update_place(SYSTEM, "sunnyside", {"parent": "england"})
    archive.catalogue.update_place(SYSTEM, "desert-view", {"lat": 51.5, "lon": -0.1})
    running.catch_up()

    assert ids(container, SearchQuery(places=("arizona",))) == set()
    assert ids(container, SearchQuery(places=("england",))) == {story}
    document = container.search.document(story)
    assert document is not None
    assert document["place_path"] == ["england", "sunnyside", "desert-view"]
    assert document["_geo"] == {"lat": 51.5, "lng": -0.1}
    row = container.publications.get(story)
    assert row is not None
    assert "place:england" in row.sets and "place:arizona" not in row.sets
    assert record_place(container, story)["lat"] == 51.5
    client = TestClient(create_app(container=container))
    found = client.get(
        "/oai",
        params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "place:england"},
    )
    assert story in found.text
    feed = client.get("/feeds/json", params={"place": "england"}).json()
    assert [item["id"].rsplit("/", 1)[-1] for item in feed["items"]] == [story]


def test_an_edited_term_changes_the_broader_terms_and_the_labels(
    container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    running = indexer(container)
    story = publish(archive, ready_story)
    running.catch_up()
    conditions = archive.catalogue.get_framework("conditions")
    terms = [
        {**term, "label": "Shared culture"} if term["id"] == "culture" else term
        for term in conditions["terms"]
    ]
    broader = next(t["id"] for t in terms if t["id"] != "culture" and not t.get("parent"))
    terms = [{**t, "parent": broader} if t["id"] == "culture" else t for t in terms]
    archive.catalogue.define_framework(SYSTEM, {**conditions, "id": "conditions", "terms": terms})
    running.catch_up()

    assert ids(container, SearchQuery(terms=(f"conditions:{broader}",))) == {story}
    row = container.publications.get(story)
    assert row is not None and row.record is not None
    record = container.records.from_stored(story, row.record)
    labels = {term["key"]: term["label"] for term in record["terms"]}
    assert labels["conditions:culture"] == "Shared culture"


def test_a_retitled_convening_shows_in_the_documents_of_its_artifacts(
    container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    running = indexer(container)
    story = publish(archive, {**ready_story, "convening": "tucson-2023"})
    running.catch_up()
    assert (container.search.document(story) or {})["convening_title"] == "Tucson convening"

    archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"title": "Desert gathering"})
    running.catch_up()

    assert (container.search.document(story) or {})["convening_title"] == "Desert gathering"
