"""Starting the indexer while the outbox sender writes, on SQLite.

The sender commits to the event store's database all the time (its tracking row
and its entries); building the read models at startup writes to the same database
(creating or migrating their tables). Startup must wait for the write lock, up to
the busy timeout, instead of failing at once with "database is locked".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from infra.bootstrap import Container, build, build_indexer, build_publications_view
from infra.outbox import build_outbox
from infra.readmodel.collections import collections_beside
from infra.readmodel.consents import consents_beside
from infra.readmodel.inbox import build_inbox
from infra.settings import Settings

ROUNDS = 150


@pytest.fixture
def sqlite_container(tmp_path: Path) -> Iterator[Container]:
    built = build(Settings(data_dir=tmp_path / "data", load_demo=False))
    yield built
    built.close()


class Writer:
    """Commits to the outbox in a loop, as the sender does (its tracking row moves on
    with every batch it enqueues)."""

    def __init__(self, container: Container) -> None:
        self.outbox = container.outbox
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.commits = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        position = 0
        while not self.stop.is_set():
            position += 1
            try:
                self.outbox.add([], Tracking("Archive#outbox", position), time.time())
            except Exception as error:  # reported by the test, not swallowed
                self.errors.append(error)
                return
            self.commits += 1

    def __enter__(self) -> Writer:
        self.thread.start()
        while self.commits < 5 and not self.errors:  # writing before the first build
            time.sleep(0.001)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def test_read_models_are_built_while_the_sender_writes(sqlite_container: Container) -> None:
    settings = sqlite_container.settings
    datastore = sqlite_container.archive.recorder.datastore  # type: ignore[attr-defined]
    env = settings.eventsourcing_env()
    with Writer(sqlite_container) as writer:
        for _ in range(ROUNDS):
            build_publications_view(settings).datastore.close()
            inbox = build_inbox(env)
            inbox.close()
            collections_beside(datastore)
            consents_beside(datastore)
            build_outbox(env).close()  # a second sender (or a restarted one) starting
    assert writer.errors == []
    assert writer.commits > ROUNDS  # the sender really wrote throughout


def test_the_indexer_is_built_while_the_sender_writes(sqlite_container: Container) -> None:
    with Writer(sqlite_container) as writer:
        for _ in range(ROUNDS // 3):
            build_indexer(sqlite_container).close()
    assert writer.errors == []
    assert writer.commits > ROUNDS // 3


def test_a_new_table_is_created_while_the_sender_writes(sqlite_container: Container) -> None:
    """A release that adds a read model's table starts on a database whose tracking
    table exists: the creation reads first, then writes."""
    datastore = sqlite_container.archive.recorder.datastore  # type: ignore[attr-defined]
    with Writer(sqlite_container) as writer:
        for _ in range(ROUNDS):
            with datastore.transaction(commit=True) as cursor:
                cursor.execute("DROP TABLE IF EXISTS cp_collections")
            collections_beside(datastore)
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT count(*) FROM cp_collections")
    assert writer.errors == []
