"""The publications read model: batch writes under concurrent commits, its own failures,
views made before it stored records, and a projection that forgot an artifact."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteCursor

from domain.application import Archive
from infra.bootstrap import Container
from infra.readmodel.publications import (
    PublicationEvent,
    PublicationsWriteFailed,
    build_publications,
)
from services.indexer.publications import PublicationsProjection
from tests.conftest import EDITOR, PARTNER, READY_STORY


def publish(archive: Archive, **changes: Any) -> str:
    created = archive.artifacts.create(PARTNER, "story", {**READY_STORY, **changes})
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return created.id


def project(container: Container, projection: PublicationsProjection) -> None:
    archive, view = container.archive, container.publications
    position = view.max_tracking_id(archive.name) or 0
    while batch := archive.recorder.select_notifications(position + 1, 3):
        view.apply(projection.events(batch), Tracking(archive.name, batch[-1].id))
        position = batch[-1].id


def sqlite_file(container: Container) -> Path:
    if container.settings.database_url:
        pytest.skip("SQLite's write lock only")
    return Path(container.archive.recorder.datastore.pool.db_name)  # type: ignore[attr-defined]


def test_a_batch_holds_the_write_lock_before_it_reads(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer committing between the batch's first read and its first write
    used to make SQLite refuse the batch at once with "database is locked"."""
    path = sqlite_file(container)
    archive = container.archive
    ids = [publish(archive, title=f"Story {n}") for n in range(3)]
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    other.execute("CREATE TABLE IF NOT EXISTS other_writer (n INTEGER)")
    blocked: list[str] = []
    execute = SQLiteCursor.execute

    def interleaved(self: SQLiteCursor, statement: Any, *args: Any, **kwargs: Any) -> Any:
        result = execute(self, statement, *args, **kwargs)
        if "FROM cp_publications" in str(statement) and not blocked:
            try:  # the API commits an event right now
                other.execute("INSERT INTO other_writer VALUES (1)")
                blocked.append("no")
            except sqlite3.OperationalError as error:
                blocked.append(str(error))
        return result

    monkeypatch.setattr(SQLiteCursor, "execute", interleaved)
    batch = archive.recorder.select_notifications(1, 1000)
    container.publications.apply(
        PublicationsProjection(archive).events(batch), Tracking(archive.name, batch[-1].id)
    )
    monkeypatch.undo()
    assert blocked == ["database is locked"]  # the other writer waited for the batch instead
    assert all(container.publications.get(i).status == "public" for i in ids)
    other.close()


def test_a_failed_batch_raises_its_own_error_and_keeps_nothing(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, view = container.archive, container.publications
    publish(archive, title="One")
    batch = archive.recorder.select_notifications(1, 1000)
    events = PublicationsProjection(archive).events(batch)

    def broken(cursor: Any, tracking: Tracking) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(view, "_insert_tracking", broken)
    with pytest.raises(PublicationsWriteFailed, match="publications read model"):
        view.apply(events, Tracking(archive.name, batch[-1].id))
    monkeypatch.undo()
    assert view.listing() == [] and (view.max_tracking_id(archive.name) or 0) == 0


def test_a_projection_that_forgot_an_artifact_stores_the_same_record(
    container: Container,
) -> None:
    archive = container.archive
    source = {
        "uri": "https://other.example.net/api/v1/artifacts/1",
        "title": "The original",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
    }
    adapted = archive.adaptations.adapt(
        PARTNER, "story", {**READY_STORY, "adaptation_note": "N."}, source
    )
    archive.artifacts.publish(EDITOR, UUID(adapted.id), adapted.version)
    plain = publish(archive, title="Plain")
    batch = archive.recorder.select_notifications(1, 1000)
    changes = PublicationsProjection(archive).events(batch)
    remembered = [e for e in changes if isinstance(e, PublicationEvent)]  # not catalogue changes
    # A memo of one artifact: each publication finds the other artifact's facts gone.
    forgetful = PublicationsProjection(archive, memo_size=1)
    forgotten = [event for notification in batch for event in forgetful.events([notification])]
    records = [e.record for e in forgotten if isinstance(e, PublicationEvent)]
    assert records == [e.record for e in remembered]
    by_id = {e.artifact_id: e.record for e in remembered}
    assert by_id[adapted.id]["adapted_from"]["uri"] == source["uri"]
    assert by_id[plain]["first_published_at"] and by_id[plain]["content"]["title"] == "Plain"
    project(container, PublicationsProjection(archive, memo_size=1))
    assert container.publications.get(plain).record == by_id[plain]


def test_a_view_made_before_records_were_stored_gains_the_column(container: Container) -> None:
    path = sqlite_file(container)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("DROP TABLE cp_publications")
    old.execute(
        "CREATE TABLE cp_publications (artifact_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, "
        "datestamp DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL, "
        "version INTEGER NOT NULL, title TEXT NOT NULL, sets TEXT NOT NULL)"
    )
    old.execute(
        "INSERT INTO cp_publications VALUES ('a', 1, 1.0, 'public', 'story', 2, 'Old', '[]')"
    )
    old.close()
    view = build_publications(container.settings.eventsourcing_env())
    try:
        row = view.get("a")  # type: ignore[attr-defined]
        assert row is not None and row.title == "Old" and row.record is None
    finally:
        view.datastore.close()
