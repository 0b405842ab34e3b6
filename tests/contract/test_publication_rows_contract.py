"""One contract for the publications read model as the public records read it (the
``PublicationRows`` port): ``infra.readmodel.publications`` on SQLite and on PostgreSQL,
filled by the indexer's projection of the log, and the in-memory fake
(``tests.fakes.MemoryPublications``), filled as that projection would fill it.

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID, uuid4

import pytest

from domain.ports.publications import PublicationRows
from infra.bootstrap import Container, build, build_indexer, seed_frameworks
from infra.settings import Settings
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places
from tests.fakes import MemoryPublications


class Harness(Protocol):
    @property
    def rows(self) -> PublicationRows: ...

    def publish(self, **changes: Any) -> str: ...

    def republish(self, artifact_id: str, **changes: Any) -> None: ...

    def withdraw(self, artifact_id: str) -> None: ...


class IndexedHarness:
    """The archive's commands, projected by the indexer into the read model."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.rows = container.publications
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
    """What the projection writes, written into the fake by hand."""

    def __init__(self) -> None:
        self.rows = MemoryPublications()
        self.contents: dict[str, dict[str, Any]] = {}
        self.versions: dict[str, int] = {}

    def publish(self, **changes: Any) -> str:
        artifact_id = str(uuid4())
        self.contents[artifact_id] = {"visibility": "public", **READY_STORY, **changes}
        self.versions[artifact_id] = 2
        self._project(artifact_id)
        return artifact_id

    def republish(self, artifact_id: str, **changes: Any) -> None:
        self.contents[artifact_id].update(changes)
        self.versions[artifact_id] += 2
        self._project(artifact_id)

    def withdraw(self, artifact_id: str) -> None:
        self.rows.tombstone(artifact_id)

    def _project(self, artifact_id: str) -> None:
        content = self.contents[artifact_id]
        if content["visibility"] != "public":
            return
        stored = {"kind": "story", "version": self.versions[artifact_id], "content": content}
        self.rows.project(artifact_id, stored)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "memory"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "memory":
        yield MemoryHarness()
        return
    settings = Settings(data_dir=tmp_path / "data", load_demo=False)
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
        yield IndexedHarness(container)


def test_an_artifact_never_projected_has_no_row(harness: Harness) -> None:
    assert harness.rows.get(str(uuid4())) is None


def test_a_public_publication_is_a_public_row_with_its_record(harness: Harness) -> None:
    artifact_id = harness.publish()
    row = harness.rows.get(artifact_id)
    assert row is not None and row.status == "public"
    assert row.record is not None
    assert row.record["kind"] == "story"
    assert row.record["content"]["title"] == READY_STORY["title"]
    assert int(row.record["version"]) >= 1


def test_members_only_work_has_no_row(harness: Harness) -> None:
    assert harness.rows.get(harness.publish(visibility="members")) is None


def test_a_republication_replaces_the_record(harness: Harness) -> None:
    artifact_id = harness.publish()
    first = harness.rows.get(artifact_id)
    harness.republish(artifact_id, title="Morning circles, a year on")
    again = harness.rows.get(artifact_id)
    assert first is not None and first.record is not None
    assert again is not None and again.record is not None
    assert again.record["content"]["title"] == "Morning circles, a year on"
    assert int(again.record["version"]) > int(first.record["version"])


def test_a_withdrawal_leaves_a_tombstone_without_a_record(harness: Harness) -> None:
    artifact_id = harness.publish()
    harness.withdraw(artifact_id)
    row = harness.rows.get(artifact_id)
    assert row is not None
    assert (row.status, row.record) == ("deleted", None)
