"""The indexer against a real event store (SQLite and PostgreSQL) and the FTS5 index."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Tracking

from domain.application import Archive
from domain.ports.search import SearchIndex, SearchQuery, SearchUnavailable
from infra.bootstrap import Container
from infra.coordination import FileCoordination
from infra.search.sqlite_fts import SqliteFtsIndex
from services.indexer.rebuild import rebuild
from services.indexer.runner import Indexer
from tests.conftest import EDITOR, PARTNER


def publish(archive: Archive, content: dict[str, Any]) -> tuple[UUID, int]:
    created = archive.artifacts.create(PARTNER, "story", content)
    done = archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    assert done.position is not None
    return UUID(created.id), done.position


def found(index: SearchIndex, q: str, members: bool = False) -> list[str]:
    return [h.id for h in index.search(SearchQuery(q=q, include_members=members)).hits]


@pytest.fixture
def indexer(container: Container) -> Indexer:
    return Indexer(container.archive, container.search, container.coordination, poll_interval=0.01)


def test_only_published_versions_are_indexed(
    container: Container, indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    archive, index = container.archive, container.search
    draft = archive.artifacts.create(
        PARTNER, "story", {**ready_story, "title": "Unpublished draft"}
    )
    artifact_id, _ = publish(archive, ready_story)
    indexer.catch_up()
    assert index.position(archive.name) == archive.head
    assert found(index, "unpublished") == []
    assert found(index, "morning") == [str(artifact_id)]
    document = index.document(str(artifact_id)) or {}
    assert document["place_path"] == ["us", "arizona", "tucson", "sunnyside", "desert-view"]
    assert "conditions:culture" in document["term_filter"]

    archive.artifacts.revise(PARTNER, artifact_id, 2, {"title": "Evening circles"})
    indexer.catch_up()
    assert found(index, "evening") == [], "a revision changes nothing until republished"
    archive.artifacts.publish(EDITOR, artifact_id, 3)
    indexer.catch_up()
    assert found(index, "evening") == [str(artifact_id)]

    archive.artifacts.withdraw(EDITOR, artifact_id, "Consent withdrawn")
    indexer.catch_up()
    assert index.document(str(artifact_id)) is None
    assert draft.id not in index.all_ids()


def test_members_only_artifacts_carry_the_flag(
    container: Container, indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = publish(container.archive, {**ready_story, "visibility": "members"})
    indexer.catch_up()
    assert found(container.search, "morning") == []
    assert found(container.search, "morning", members=True) == [str(artifact_id)]


def test_running_indexer_applies_new_events_quickly(
    container: Container, indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,))
    thread.start()
    try:
        _, position = publish(container.archive, ready_story)
        deadline = time.monotonic() + 10
        while container.search.position(container.archive.name) < position:
            assert time.monotonic() < deadline, "the indexer did not pick up the publication"
            time.sleep(0.01)
        assert len(found(container.search, "morning")) == 1
    finally:
        stop.set()
        thread.join(timeout=10)


class FailingIndex(SearchIndex):
    """A test double: wraps a real index and refuses the first ``failures`` writes."""

    def __init__(self, inner: SearchIndex, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        if self.failures:
            self.failures -= 1
            raise SearchUnavailable("task 7 (documentAdditionOrUpdate) ended failed: internal")
        self.inner.apply(upserts, deletions, tracking)

    def position(self, application_name: str) -> int:
        return self.inner.position(application_name)

    def search(self, query: SearchQuery) -> Any:
        return self.inner.search(query)

    def document(self, doc_id: str) -> Any:
        return self.inner.document(doc_id)

    def all_ids(self) -> set[str]:
        return self.inner.all_ids()

    def start_rebuild(self) -> Any:
        return self.inner.start_rebuild()


def test_a_failed_write_holds_the_position_and_is_retried(
    container: Container, ready_story: dict[str, Any]
) -> None:
    failing = FailingIndex(container.search, failures=2)
    indexer = Indexer(container.archive, failing, container.coordination, max_backoff=0.05)
    _, position = publish(container.archive, ready_story)
    with pytest.raises(SearchUnavailable):
        indexer.step()
    assert container.search.position(container.archive.name) == 0, "no confirmation, no progress"
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while container.search.position(container.archive.name) < position:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    status = container.coordination.load_status()
    assert status["last_error"] is None and status["recovered_at"]
    assert len(found(container.search, "morning")) == 1


def test_rebuild_equals_the_incrementally_built_index(
    container: Container, indexer: Indexer, ready_story: dict[str, Any], tmp_path: Any
) -> None:
    archive = container.archive
    ids = [publish(archive, {**ready_story, "title": f"Story {n}"})[0] for n in range(6)]
    archive.artifacts.withdraw(EDITOR, ids[0], "duplicate")
    archive.artifacts.revise(PARTNER, ids[1], 2, {"title": "Retitled"})
    archive.artifacts.publish(EDITOR, ids[1], 3)
    indexer.catch_up()
    fresh = SqliteFtsIndex(tmp_path / "fresh")
    report = rebuild(archive, fresh, FileCoordination(tmp_path / "fresh"))
    assert report.position == archive.head
    assert_same_documents(container.search, fresh)
    fresh.close()


def assert_same_documents(live: SearchIndex, rebuilt: SearchIndex) -> None:
    assert live.all_ids() == rebuilt.all_ids()
    for doc_id in live.all_ids():
        assert live.document(doc_id) == rebuilt.document(doc_id), doc_id
