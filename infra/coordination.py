"""What the indexer shares with the API and with rebuilds: its status and a lock.

The lock keeps a rebuild's final catch-up and swap from interleaving with the
running indexer's batches. On SQLite it is a file lock in the data directory;
on PostgreSQL an advisory lock. The status (last error, retries, last batch)
lives in a small table beside the event store, so the API can report it.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from infra.settings import Settings

LOCK_KEY = 0x636F6D6D  # "comm": the advisory lock id of the indexer


class Coordination(ABC):
    @abstractmethod
    @contextmanager
    def lock(self) -> Iterator[None]: ...

    @abstractmethod
    def save_status(self, status: dict[str, Any]) -> None: ...

    @abstractmethod
    def load_status(self) -> dict[str, Any]: ...

    def close(self) -> None:  # noqa: B027
        """Release connections."""


class FileCoordination(Coordination):
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.lock_path = data_dir / "indexer.lock"
        self.db_path = data_dir / "indexer-status.sqlite3"
        with sqlite3.connect(self.db_path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS status (id INTEGER PRIMARY KEY, body TEXT)")

    @contextmanager
    def lock(self) -> Iterator[None]:
        with open(self.lock_path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def save_status(self, status: dict[str, Any]) -> None:
        with sqlite3.connect(self.db_path, timeout=10) as conn:
            conn.execute(
                "INSERT INTO status (id, body) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                (json.dumps(status),),
            )

    def load_status(self) -> dict[str, Any]:
        with sqlite3.connect(self.db_path, timeout=10) as conn:
            row = conn.execute("SELECT body FROM status WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else {}


class PostgresCoordination(Coordination):
    def __init__(self, settings: Settings) -> None:
        import psycopg

        assert settings.database_url
        self.psycopg = psycopg
        self.url = settings.database_url
        self.table = f"{settings.database_schema or 'public'}.commonplace_indexer_status"
        self._lock_conn: Any = None
        with self._connect() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (id INT PRIMARY KEY, body TEXT)")

    def _connect(self) -> Any:
        return self.psycopg.connect(self.url, autocommit=True, connect_timeout=5)

    @contextmanager
    def lock(self) -> Iterator[None]:
        if self._lock_conn is None or self._lock_conn.closed:
            self._lock_conn = self._connect()
        conn = self._lock_conn
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))

    def close(self) -> None:
        if self._lock_conn is not None:
            self._lock_conn.close()

    def save_status(self, status: dict[str, Any]) -> None:
        with self._connect() as conn:
            conn.execute(
                f"INSERT INTO {self.table} (id, body) VALUES (1, %s) "
                "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                (json.dumps(status),),
            )

    def load_status(self) -> dict[str, Any]:
        with self._connect() as conn:
            row = conn.execute(f"SELECT body FROM {self.table} WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else {}


def now() -> float:
    return time.time()
