"""The public records use case (which record to serve, and from what) against an
in-memory archive, a fake publications read model and a plain record format."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.app.records import Records
from domain.app.records_people import credited_persons
from domain.application import Archive
from infra.bootstrap import seed_frameworks
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places
from tests.fakes import MemoryPublications, PlainRecordFormat

HERE = "https://here.example"


class World:
    def __init__(self) -> None:
        self.archive = Archive()  # in memory (eventsourcing's POPO persistence)
        seed_frameworks(self.archive)
        seed_places(self.archive)
        self.publications = MemoryPublications()
        self.format = PlainRecordFormat(HERE)
        self.records = Records(self.archive, self.format, self.publications)

    def publish(self, **changes: Any) -> str:
        created = self.archive.artifacts.create(PARTNER, "story", {**READY_STORY, **changes})
        self.archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        return created.id


@pytest.fixture
def world() -> World:
    return World()


def stored(title: str, **more: Any) -> dict[str, Any]:
    """What the publications read model keeps of a publication for its record."""
    return {
        "kind": "story",
        "version": 7,
        "content": {**READY_STORY, "title": title, "visibility": "public"},
        "published_at": "2024-03-01T10:00:00+00:00",
        "first_published_at": "2024-02-01T10:00:00+00:00",
        "adapted_from": None,
        "catalogue": {"place": {"slug": "desert-view", "name": "Kept label"}, "terms": []},
        "persons": [{"name": "Ana R.", "role": "storyteller"}],
        **more,
    }


def test_a_projected_artifact_is_served_from_its_row(world: World) -> None:
    artifact_id = world.publish()
    world.publications.project(artifact_id, stored("As the indexer kept it"))
    record = world.records.record(artifact_id)
    assert record is not None
    assert (record["title"], record["version"]) == ("As the indexer kept it", 7)
    assert record["place"] == {"slug": "desert-view", "name": "Kept label"}
    assert record["persons"] == [{"name": "Ana R.", "role": "storyteller"}]
    assert record["body_html"] is True, "feeds and packages render the body"
    assert world.format.built[0].published_at is not None


def test_a_row_serves_its_record_without_the_aggregate(world: World) -> None:
    unknown_to_the_archive = str(uuid4())
    world.publications.project(unknown_to_the_archive, stored("Only in the read model"))
    record = world.records.record(UUID(unknown_to_the_archive))
    assert record is not None and record["title"] == "Only in the read model"


def test_an_artifact_not_projected_yet_is_served_from_the_aggregate(world: World) -> None:
    artifact_id = world.publish()
    record = world.records.record(artifact_id)
    assert world.publications.asked == [artifact_id]
    assert record is not None
    assert record["title"] == READY_STORY["title"]
    assert record["version"] == world.archive.artifacts.load(UUID(artifact_id)).version
    assert record["place"] == {"slug": "desert-view", "name": "Desert View High School"}
    assert world.format.built[0].labels is None, "the catalogue is looked up, not kept"


def test_a_row_without_a_stored_record_falls_back_to_the_aggregate(world: World) -> None:
    artifact_id = world.publish()
    world.publications.project(artifact_id, None)
    record = world.records.record(artifact_id)
    assert record is not None and record["title"] == READY_STORY["title"]


def test_a_withdrawn_artifact_is_not_served(world: World) -> None:
    projected = world.publish()
    world.publications.tombstone(projected)  # the aggregate is still public: the row decides
    assert world.records.record(projected) is None
    not_projected = world.publish()
    world.archive.artifacts.withdraw(EDITOR, UUID(not_projected), "A test withdrawal")
    assert world.records.record(not_projected) is None
    assert world.format.built == []


def test_work_that_does_not_travel_or_never_existed_is_not_served(world: World) -> None:
    assert world.records.record(world.publish(visibility="members")) is None
    assert world.records.record(world.publish(syndication="none")) is None
    assert world.records.record(uuid4()) is None


def test_a_row_shows_its_source_only_while_anyone_may_see_it(world: World) -> None:
    source = world.publish(title="Source")
    elsewhere = {"uri": "https://elsewhere.example/api/v1/artifacts/1", "title": "Theirs"}
    ours = {"uri": f"{HERE}/api/v1/artifacts/{source}", "title": "Source"}
    adapted, other = str(uuid4()), str(uuid4())
    world.publications.project(adapted, stored("Adapted", adapted_from=ours))
    world.publications.project(other, stored("Adapted there", adapted_from=elsewhere))
    shown = world.records.record(adapted)
    assert shown is not None and shown["adapted_from"]["uri"] == ours["uri"]
    theirs = world.records.record(other)
    assert theirs is not None and theirs["adapted_from"]["uri"] == elsewhere["uri"]
    world.publications.tombstone(source)
    hidden = world.records.record(adapted)
    assert hidden is not None and hidden["adapted_from"] is None


def test_addresses_places_and_json_ld_come_from_the_format(world: World) -> None:
    records = world.records
    assert records.base == HERE
    assert records.api_url("x") == f"{HERE}/api/v1/artifacts/x"
    assert records.page_url("x") == f"{HERE}/artifacts/x"
    assert records.place("tucson") == {"slug": "tucson", "name": "Tucson"}
    assert records.place("nowhere") is None
    assert records.jsonld({"id": "x", "title": "T"}) == {"@id": records.api_url("x"), "name": "T"}


def test_persons_are_credited_as_they_chose_and_unknown_ones_name_no_one(world: World) -> None:
    archive = world.archive
    ana = archive.people.record(PARTNER, {"name": "Ana Ruiz", "credit": "full-name"}).id
    listed = [
        {"person_id": ana, "role": "storyteller"},
        {"person_id": str(uuid4()), "role": "student"},
        {"person_id": "not an id", "role": "student"},
    ]
    credited = credited_persons(archive, {"persons": listed})
    assert credited == [{"name": "Ana Ruiz", "role": "storyteller"}]
    archive.people.erase(EDITOR, UUID(ana))
    assert credited_persons(archive, {"persons": listed})[0]["name"] != "Ana Ruiz"
