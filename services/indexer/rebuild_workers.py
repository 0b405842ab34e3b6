"""Building search documents in worker processes while the rebuild writes.

Each worker opens the archive's event store itself (its own connection), folds
the catalogue events up to the rebuild's head, and turns one range of log
positions at a time into documents: it reads the notifications, decodes the
events and builds the documents, which is most of a rebuild's CPU time. The
rebuilding process hands out the ranges in log order, writes the answers in the
same order, and so never waits for more than the slowest range in flight.

Only stores that another process can open qualify (SQLite files, PostgreSQL),
with a vault that another process can open too (the documents show persons by
their credited names, which only the vault unseals); an in-memory store or vault
is rebuilt in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from domain.application import Archive
from domain.vault_port import PersonalDataVault
from infra.vault import PostgresVault, SqliteVault
from services.indexer.projection import TOPICS, SearchProjection
from services.indexer.rebuild_documents import RangeDocuments

_documents: RangeDocuments | None = None
VAULT_KEY = "COMMONPLACE_VAULT"  # how the workers open the vault (not an eventsourcing setting)


@dataclass
class Chunk:
    """The documents of one range of the log, last event per artifact winning."""

    upserts: list[dict[str, Any]]
    deletions: list[str]
    last: int  # the last position read (0 if the range held no relevant event)
    seconds: float = 0.0  # the worker's time reading and building it
    cpu: float = 0.0  # the worker's CPU time for it
    stop: int = 0  # the end of the range (set by the pool)


def default_workers() -> int:
    """Builders beside the writing process: one per core. Building a document costs
    several times what writing it does, so the writer takes its share of the cores
    from them rather than keeping a core mostly idle."""
    return max(1, os.cpu_count() or 1)


VaultSpec = tuple[str, ...]


def vault_spec(vault: PersonalDataVault) -> VaultSpec | None:
    """How another process opens the same vault, or None if it cannot (one in memory)."""
    if isinstance(vault, SqliteVault):
        return ("sqlite", str(vault.path))
    if isinstance(vault, PostgresVault):
        return ("postgres", vault.url, vault.schema)
    return None


def open_vault(spec: VaultSpec) -> PersonalDataVault:
    from pathlib import Path

    if spec[0] == "sqlite":
        return SqliteVault(Path(spec[1]))
    return PostgresVault(spec[1], spec[2])


def shareable_env(archive: Archive) -> dict[str, str] | None:
    """The archive's settings if another process can open its store and vault, else None.

    The vault goes to the workers as ``COMMONPLACE_VAULT`` (see :func:`vault_spec`).
    """
    spec = vault_spec(archive.people.vault)
    if spec is None:
        return None
    env = {str(k): str(v) for k, v in archive.env.items()}
    env[VAULT_KEY] = "\x1f".join(spec)
    module = env.get("PERSISTENCE_MODULE", "")
    if module == "eventsourcing.postgres":
        return env
    if module == "eventsourcing.sqlite":
        name = env.get("SQLITE_DBNAME", "")
        return None if not name or ":memory:" in name or "mode=memory" in name else env
    return None


def _start_worker(env: dict[str, str], head: int) -> None:
    global _documents
    env = dict(env)
    vault = open_vault(tuple(env.pop(VAULT_KEY).split("\x1f")))
    projection = SearchProjection(Archive(env=env, vault=vault))
    projection.start(head)  # the catalogue as the rebuild builds every document with
    _documents = RangeDocuments(projection)


def build_range(start: int, stop: int) -> Chunk:
    """Documents for the log positions ``start`` to ``stop`` (inclusive), in a worker."""
    assert _documents is not None, "the worker was not started"
    started, cpu = time.perf_counter(), time.process_time()
    archive = _documents.projection.archive
    batch = archive.recorder.select_notifications(
        start, stop - start + 1, stop=stop, topics=list(TOPICS)
    )
    if not batch:
        return Chunk([], [], 0, time.perf_counter() - started, time.process_time() - cpu)
    changes = _documents.changes(batch)
    upserts, deletions = list(changes.upserts.values()), sorted(changes.deletions)
    seconds = time.perf_counter() - started
    return Chunk(upserts, deletions, batch[-1].id, seconds, time.process_time() - cpu)


class Builders:
    """A pool of document builders; ``chunks`` yields their answers in log order.

    The first ranges are handed out at once, so the workers start (and fold the
    catalogue) while the rebuilding process folds its own."""

    def __init__(self, env: dict[str, str], workers: int, page: int, head: int) -> None:
        self.page = page
        self.stops: dict[Future[Chunk], int] = {}
        self.pending: deque[Future[Chunk]] = deque()
        self.next = 1  # the first position not handed out yet
        self.in_flight = max(2, 2 * workers)
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(env, head),
        )
        self._hand_out(head)

    def _hand_out(self, head: int) -> None:
        while self.next <= head and len(self.pending) < self.in_flight:
            stop = min(head, self.next + self.page - 1)
            self.pending.append(self.pool.submit(build_range, self.next, stop))
            self.stops[self.pending[-1]] = stop
            self.next = stop + 1

    def chunks(self, head: int) -> Iterator[Chunk]:
        while True:
            self._hand_out(head)
            if not self.pending:
                return
            future = self.pending.popleft()
            chunk = future.result()
            chunk.stop = self.stops.pop(future)
            yield chunk

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
