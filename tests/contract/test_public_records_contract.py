"""One contract for every source of public records (the ``PublicRecords`` port): the
syndication records over the publications read model on SQLite and on PostgreSQL (after
the indexer projected the log), and the in-memory fake the application's unit tests use.

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID, uuid4

import pytest

from domain.app.lineage import local_id
from domain.ports.publications import PublicRecords
from infra.bootstrap import Container, build, build_indexer, seed_frameworks
from infra.settings import Settings
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places
from tests.fakes import MemoryPublicRecords

BASE = "https://here.example"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


class Harness(Protocol):
    @property
    def records(self) -> PublicRecords: ...

    def publish(self, **changes: Any) -> str:
        """A story published with ``changes`` to the ready story; its id."""
        ...

    def republish(self, artifact_id: str, **changes: Any) -> None: ...

    def withdraw(self, artifact_id: str) -> None: ...


class ArchiveHarness:
    """The archive's commands, then the indexer's publications view, then the records."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.records = container.records
        self.indexer = build_indexer(container)

    def publish(self, **changes: Any) -> str:
        archive = self.container.archive
        created = archive.artifacts.create(PARTNER, "story", {**READY_STORY, **changes})
        archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        self._project()
        return created.id

    def republish(self, artifact_id: str, **changes: Any) -> None:
        archive = self.container.archive
        current = archive.artifacts.load(UUID(artifact_id)).version
        revised = archive.artifacts.revise(PARTNER, UUID(artifact_id), current, changes)
        archive.artifacts.publish(EDITOR, UUID(artifact_id), revised.version)
        self._project()

    def withdraw(self, artifact_id: str) -> None:
        self.container.archive.artifacts.withdraw(EDITOR, UUID(artifact_id), "A test withdrawal")
        self._project()

    def _project(self) -> None:
        while self.indexer.step_publications():
            pass


class MemoryHarness:
    """The same commands as the fake's own: what the archive would have published."""

    def __init__(self) -> None:
        self.records = MemoryPublicRecords(BASE)
        self.records.add_place("desert-view", "Desert View High School")
        self.versions: dict[str, dict[str, Any]] = {}

    def publish(self, **changes: Any) -> str:
        artifact_id = str(uuid4())
        self.versions[artifact_id] = {**READY_STORY, **changes}
        self.records.publish(artifact_id, self.versions[artifact_id], version=2)
        return artifact_id

    def republish(self, artifact_id: str, **changes: Any) -> None:
        self.versions[artifact_id].update(changes)
        self.records.publish(artifact_id, self.versions[artifact_id], version=4)

    def withdraw(self, artifact_id: str) -> None:
        self.records.withdraw(artifact_id)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "memory"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "memory":
        yield MemoryHarness()
        return
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, base_url=BASE)
    if request.param == "postgres":
        settings = settings.model_copy(
            update={
                "database_url": request.getfixturevalue("postgres_url"),
                "database_schema": request.getfixturevalue("postgres_schema"),
            }
        )
    with build(settings) as container:
        seed_frameworks(container.archive)
        seed_places(container.archive)
        yield ArchiveHarness(container)


def test_addresses_are_this_sites_and_name_the_artifact(harness: Harness) -> None:
    records = harness.records
    artifact_id = uuid4()
    assert records.base == BASE
    assert local_id(BASE, records.api_url(str(artifact_id))) == artifact_id
    assert records.api_url(str(artifact_id)).startswith(f"{BASE}/api/")
    assert records.page_url(str(artifact_id)).startswith(BASE)
    assert records.page_url(str(artifact_id)) != records.api_url(str(artifact_id))


def test_a_public_artifact_has_a_record(harness: Harness) -> None:
    artifact_id = harness.publish()
    record = harness.records.record(artifact_id)
    assert record is not None
    assert record["id"] == artifact_id
    assert record["title"] == READY_STORY["title"]
    assert record["summary"] == READY_STORY["summary"]
    assert record["kind"] == "story" and record["language"] == "en"
    assert record["licence"]["uri"] == CC_BY
    assert record["adaptable"] is True
    assert record["urls"]["api"] == harness.records.api_url(artifact_id)
    assert record["urls"]["page"] == harness.records.page_url(artifact_id)
    assert (record["place"] or {}).get("name") == "Desert View High School"
    assert harness.records.record(UUID(artifact_id)) == record, "by UUID or by its text"


def test_an_artifact_never_published_has_none(harness: Harness) -> None:
    assert harness.records.record(uuid4()) is None
    assert harness.records.record(str(uuid4())) is None


def test_members_only_and_withdrawn_artifacts_have_none(harness: Harness) -> None:
    members = harness.publish(visibility="members")
    assert harness.records.record(members) is None
    withdrawn = harness.publish()
    harness.withdraw(withdrawn)
    assert harness.records.record(withdrawn) is None


def test_a_work_shared_as_it_is_is_not_adaptable(harness: Harness) -> None:
    record = harness.records.record(harness.publish(syndication="shared"))
    assert record is not None and record["adaptable"] is False


def test_a_republication_shows_in_the_record(harness: Harness) -> None:
    artifact_id = harness.publish()
    first = harness.records.record(artifact_id)
    harness.republish(artifact_id, title="Morning circles, a year on")
    again = harness.records.record(artifact_id)
    assert first is not None and again is not None
    assert again["title"] == "Morning circles, a year on"
    assert again["version"] > first["version"]


def test_places_as_records_show_them(harness: Harness) -> None:
    place = harness.records.place("desert-view")
    assert place is not None
    assert (place["slug"], place["name"]) == ("desert-view", "Desert View High School")
    assert place["url"].startswith(BASE)
    assert harness.records.place("nowhere") is None
    assert harness.records.place(None) is None


def test_json_ld_names_the_work_by_its_addresses(harness: Harness) -> None:
    artifact_id = harness.publish()
    record = harness.records.record(artifact_id)
    assert record is not None
    document = harness.records.jsonld(record)
    assert document["@id"] == harness.records.api_url(artifact_id)
    assert document["url"] == harness.records.page_url(artifact_id)
    assert document["identifier"] == artifact_id
    assert document["name"] == READY_STORY["title"]
    assert document["license"] == CC_BY
    assert document["version"] == record["version"]
    assert "CreativeWork" in document["@type"]
