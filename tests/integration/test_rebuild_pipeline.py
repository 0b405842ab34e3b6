"""The rebuild with document building in worker processes gives the same index as one process."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.application import Archive
from infra.bootstrap import Container
from infra.coordination import FileCoordination
from infra.search.sqlite_fts import SqliteFtsIndex
from services.indexer.rebuild import rebuild
from services.indexer.rebuild_workers import Builders, Chunk, shareable_env
from tests.conftest import EDITOR, PARTNER
from tests.integration.test_indexer import assert_same_documents


def history(archive: Archive, story: dict[str, Any]) -> None:
    """Publications, a withdrawal and a republication, spread over many small ranges."""
    ids = []
    for n in range(8):
        created = archive.artifacts.create(PARTNER, "story", {**story, "title": f"Story {n}"})
        archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        ids.append(UUID(created.id))
    archive.artifacts.withdraw(EDITOR, ids[0], "duplicate")
    archive.artifacts.revise(PARTNER, ids[1], 2, {"title": "Retitled"})
    archive.artifacts.publish(EDITOR, ids[1], 3)
    archive.artifacts.withdraw(EDITOR, ids[2], "consent")
    again = archive.artifacts.load(ids[2]).version
    archive.artifacts.publish(EDITOR, ids[2], again)  # published again, in a later range


def test_worker_processes_build_the_same_index(
    container: Container, ready_story: dict[str, Any], tmp_path: Path
) -> None:
    archive = container.archive
    history(archive, ready_story)
    assert shareable_env(archive) is not None
    alone = SqliteFtsIndex(tmp_path / "alone")
    single = rebuild(archive, alone, FileCoordination(tmp_path / "alone"), workers=0, page=3)
    piped = SqliteFtsIndex(tmp_path / "piped")
    report = rebuild(archive, piped, FileCoordination(tmp_path / "piped"), workers=2, page=3)
    assert report.workers == 2 and single.workers == 0
    assert report.position == single.position == archive.head
    assert report.documents == single.documents
    assert len(piped.all_ids()) == 7  # eight published, one withdrawn for good
    assert_same_documents(alone, piped)
    alone.close()
    piped.close()


def test_a_store_only_this_process_can_open_is_rebuilt_in_process() -> None:
    archive = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert shareable_env(archive) is None
    sqlite_memory = Archive(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"}
    )
    assert shareable_env(sqlite_memory) is None


def test_a_builder_that_dies_leaves_the_rest_to_this_process(
    container: Container,
    ready_story: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    archive = container.archive
    history(archive, ready_story)
    chunks = Builders.chunks

    def dies_after_one(self: Builders, head: int) -> Iterator[Chunk]:
        for n, chunk in enumerate(chunks(self, head)):
            if n == 1:
                raise BrokenProcessPool("a builder was killed")
            yield chunk

    monkeypatch.setattr(Builders, "chunks", dies_after_one)
    alone = SqliteFtsIndex(tmp_path / "alone")
    rebuild(archive, alone, FileCoordination(tmp_path / "alone"), workers=0, page=3)
    piped = SqliteFtsIndex(tmp_path / "piped")
    report = rebuild(archive, piped, FileCoordination(tmp_path / "piped"), workers=1, page=3)
    assert report.position == archive.head
    assert_same_documents(alone, piped)
    alone.close()
    piped.close()
