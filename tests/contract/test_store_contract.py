"""One contract for the store port (``domain.store.Store``) over every event store the
``Archive`` runs on: eventsourcing's in-memory (POPO) recorders, which the unit tests
use as the store's fake, SQLite and PostgreSQL.

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from domain.application import Archive
from domain.errors import ConcurrentWrite, NotFound
from domain.store import Store
from infra.settings import Settings


class Note(Aggregate):
    """A small aggregate of this test's own, so the contract needs no domain rules."""

    def __init__(self, text: str) -> None:
        self.text = text

    @event("Edited")
    def edit(self, text: str) -> None:
        self.text = text


class Other(Aggregate):
    pass


EDITED = get_topic(Note.Edited)  # type: ignore[attr-defined]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).store
        return
    settings = Settings(data_dir=tmp_path / "data", load_demo=False)
    if request.param == "postgres":
        settings = settings.model_copy(
            update={
                "database_url": request.getfixturevalue("postgres_url"),
                "database_schema": request.getfixturevalue("postgres_schema"),
            }
        )
    archive = Archive(env=settings.eventsourcing_env())
    yield archive.store
    archive.close()


def test_saved_events_are_positions_in_one_log(store: Store) -> None:
    start = store.head
    note = Note("first")
    note.edit("second")
    position = store.save(note)
    assert position == store.head == start + 2
    assert store.save() is None, "nothing to save, no position"
    again = store.load(Note, note.id)
    again.edit("third")
    assert store.save(again) == start + 3


def test_an_aggregate_loads_as_saved_and_at_a_version(store: Store) -> None:
    note = Note("first")
    note.edit("second")
    store.save(note)
    assert store.load(Note, note.id).text == "second"
    assert store.load(Note, note.id, version=1).text == "first"
    assert store.exists(note.id) and not store.exists(uuid4())
    assert [type(e).__name__ for e in store.events_of(note.id)] == ["Created", "Edited"]


def test_what_is_not_there_or_not_of_that_kind_is_not_found(store: Store) -> None:
    other = Other()
    store.save(other)
    with pytest.raises(NotFound):
        store.load(Note, uuid4())
    with pytest.raises(NotFound):
        store.load(Note, other.id)


def test_a_write_from_a_stale_copy_is_refused_and_records_nothing(store: Store) -> None:
    note = Note("first")
    store.save(note)
    mine, theirs = store.load(Note, note.id), store.load(Note, note.id)
    theirs.edit("theirs")
    store.save(theirs)
    head = store.head
    mine.edit("mine")
    with pytest.raises(ConcurrentWrite):
        store.save(mine)
    assert store.head == head
    assert store.load(Note, note.id).text == "theirs"


def test_notifications_by_topic_and_ids_in_log_order(store: Store) -> None:
    start = store.head
    notes = [Note(f"n{i}") for i in range(5)]
    store.save(*notes)
    for note in notes:
        note.edit("edited")
        store.save(note)
    edits = store.notifications(start + 1, 10, stop=None, topics=[EDITED])
    assert [n.originator_id for n in edits] == [n.id for n in notes]
    stopped = store.notifications(start + 1, 10, stop=start + 7, topics=[EDITED])
    assert len(stopped) == 2
    paged = list(store.ids_of(EDITED, page=2))
    assert [i for _, i in paged] == [n.id for n in notes]
    assert [p for p, _ in paged] == sorted(p for p, _ in paged)
