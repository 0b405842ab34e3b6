"""The embedded search backend: SQLite FTS5 in the data directory.

Each generation of the index is one SQLite file (see ``fts_store``) holding the
documents, their attributes, an external-content FTS5 table, the vocabulary and
the eventsourcing tracking table, so a batch of documents and its tracking record
are written in one transaction. A rebuild fills a new file and swaps it in by
atomically replacing the ``CURRENT`` pointer file; readers notice the new pointer
on their next query.

A search evaluates its words once (cached per expression, see ``fts_match``),
filters and counts facets over in-memory columns (``fts_columns``), sorts only
what the page needs, and reads snippets and JSON for that page alone. A missing,
dangling or unreadable index raises ``SearchUnavailable``: it is never recreated
empty behind the reader's back.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.persistence import Tracking

from domain.ports.search import (
    InvalidQuery,
    Rebuild,
    SearchIndex,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from infra.search.fts_columns import Columns
from infra.search.fts_generations import Generations, pointed
from infra.search.fts_match import MatchCache, match_expression
from infra.search.fts_search import StaleSnapshot, hits, km, page_connection
from infra.search.fts_selection import Selections, select
from infra.search.fts_store import FORMAT, FtsStore
from infra.search.stemming import languages_for
from infra.search.text import parse

__all__ = ["FtsRebuild", "Generations", "SqliteFtsIndex", "km"]


ATTEMPTS = 5  # searches started again when the shared columns outran their snapshot


class Reader:
    """What searches of one generation share: columns, cached matches, connections."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inode = path.stat().st_ino
        self.columns = Columns()
        self.matches = MatchCache()
        self.selections = Selections()  # totals, first rows and facets (see fts_selection)
        self.lock = threading.RLock()  # re-entered by a search that runs alone
        self.local = threading.local()
        conn = self.connection()
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as error:
            raise SearchUnavailable(f"The search index {path} cannot be read: {error}") from error
        if row is None or row[0] != FORMAT:
            raise SearchUnavailable(
                f"The search index {path} was written by an earlier version; run "
                "`commonplace reindex` to rebuild it."
            )

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA query_only = 1")
            self.local.conn = conn
        return conn

    def scratch(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self.local, "scratch", None)
        if conn is None:
            conn = self.local.scratch = page_connection()
        return conn

    def still_there(self) -> bool:
        try:
            return self.path.stat().st_ino == self.inode
        except FileNotFoundError:
            return False

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction, so every statement of a search sees the same index."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def search(self, query: SearchQuery) -> SearchResult:
        for _ in range(ATTEMPTS - 1):
            try:
                return self._search(query)
            except StaleSnapshot:
                continue  # another search moved the columns past this snapshot
        # Last, alone: no other search can move the columns while this one reads, and its
        # snapshot, taken under the lock, holds everything the columns do.
        with self.lock:
            return self._search(query)

    def _search(self, query: SearchQuery) -> SearchResult:
        with self.snapshot() as conn:
            with self.lock:
                self.columns.refresh(conn)
                seq = self.columns.seq
            languages = languages_for(query.lang)
            expression = match_expression(conn, parse(query.q), str(self.path), languages)
            matches = None
            if expression:
                matches = self.matches.get(conn, expression, seq, self.columns.seqs)
            with self.lock:
                total, page, counted = select(
                    conn, self.columns, query, expression, matches, self.selections
                )
            found = hits(conn, self.scratch(), page, expression, query.near)
        return SearchResult(total=total, hits=found, facets=counted)

    def close(self) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
            self.local.conn = None


class SqliteFtsIndex(SearchIndex):
    """Search over SQLite FTS5 files in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.generations = Generations(directory)
        self._lock = threading.Lock()
        self._stores: dict[str, FtsStore] = {}
        self._readers: dict[str, Reader] = {}

    # -- writing -------------------------------------------------------------

    def _store(self) -> FtsStore:
        with self._lock:
            if self.generations.fresh:  # generation 1, empty: made before it is pointed to
                first = self.generations.directory / "gen-1.sqlite3"
                self._stores[first.name] = FtsStore(first)
                self.generations.point_to("gen-1.sqlite3")
            path = self.generations.current_path()  # raises if missing
            store = self._stores.get(path.name)
            if store is None:
                for old in self._stores.values():
                    old.close()
                store = FtsStore(path)
                self._stores = {path.name: store}
            return store

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self._store().write(upserts, deletions, tracking)

    def position(self, application_name: str) -> int:
        return self._store().max_tracking_id(application_name) or 0

    def start_rebuild(self) -> Rebuild:
        return FtsRebuild(self)

    def close(self) -> None:
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
            for reader in self._readers.values():
                reader.close()
            self._readers.clear()

    # -- reading -------------------------------------------------------------

    def _reader(self) -> Reader:
        if self.generations.fresh:
            self._store()  # generation 1, empty
        path = self.generations.current_path()
        with self._lock:
            reader = self._readers.get(path.name)
            if reader is not None and not reader.still_there():
                reader.close()
                del self._readers[path.name]
                raise SearchUnavailable(f"The search index {path} was replaced or removed.")
            if reader is None:
                reader = Reader(path)
                for old in self._readers.values():
                    old.close()
                self._readers = {path.name: reader}
            return reader

    def search(self, query: SearchQuery) -> SearchResult:
        reader = self._reader()
        try:
            return reader.search(query)
        except sqlite3.OperationalError as error:
            if not reader.still_there():
                raise SearchUnavailable(f"The search index was removed: {error}") from error
            raise InvalidQuery(f"The search could not be run: {error}") from error
        except sqlite3.DatabaseError as error:
            raise SearchUnavailable(f"The search index cannot be read: {error}") from error

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = (
            self._reader()
            .connection()
            .execute(
                "SELECT d.hit, d.body FROM attrs a JOIN docs d USING (rowid) "
                "WHERE a.id = ? AND a.alive = 1",
                (doc_id,),
            )
            .fetchone()
        )
        return {**orjson.loads(row[0]), "body": row[1]} if row else None

    def all_ids(self) -> set[str]:
        conn = self._reader().connection()
        return {row[0] for row in conn.execute("SELECT id FROM attrs WHERE alive = 1")}

    def health(self) -> dict[str, Any]:
        try:
            name = self.generations.current_name()
            rebuilding = self.generations.rebuilding(name)
            self._reader()
        except SearchUnavailable as error:
            text = str(error)
            state = "missing" if "missing" in text or "removed" in text else "broken"
            newer = self.generations.rebuilding(pointed(self.generations))
            return {"state": state, "detail": text, "rebuilding": bool(newer)}
        return {"state": "ok", "detail": name, "rebuilding": bool(rebuilding)}


class FtsRebuild(Rebuild):
    def __init__(self, index: SqliteFtsIndex) -> None:
        self.index = index
        self.name = index.generations.next_name()
        self.store = FtsStore(index.generations.directory / self.name, bulk=True)

    def write(self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]) -> None:
        self.store.write(upserts, deletions, None)

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        if self.store.bulk:
            self.store.finish_bulk()
        self.store.write(upserts, deletions, tracking)

    def swap(self, tracking: Tracking) -> None:
        if self.store.bulk:
            self.store.finish_bulk()
        if (self.store.max_tracking_id(tracking.application_name) or 0) < tracking.notification_id:
            self.store.insert_tracking(tracking)
        self.store.close()
        self.index.generations.point_to(self.name)
        self.index.generations.remove_all_but(self.name)

    def discard(self) -> None:
        self.store.close()
        for path in self.index.generations.directory.glob(f"{self.name}*"):
            path.unlink()
