"""What the indexer shares with the API, with rebuilds and with other indexers.

Two locks and a status:

- ``lock()`` is held for one batch. It keeps a rebuild's final catch-up and swap
  from interleaving with the running indexer's batches.
- ``lead()`` makes one indexer the active one for as long as it runs: a second
  indexer on the same store waits (``lead()`` answers ``False``) and takes over
  when the first stops or dies, because the operating system or the database
  releases the lock with the process or connection that held it.
- The status (errors, retries, heartbeat) lives in a small table beside the event
  store, so the API can report it.

On SQLite the locks are file locks in the data directory; on PostgreSQL advisory
locks, each on a connection of its own. A lost PostgreSQL connection is reported
as eventsourcing's ``OperationalError`` / ``InterfaceError`` (the errors the
event store raises too), and the next call connects again.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from eventsourcing.persistence import InterfaceError, OperationalError

from infra.settings import Settings

LOCK_KEY = 0x636F6D6D  # "comm": the advisory lock id of one indexer batch
LEAD_KEY = 0x636F6D6E  # the advisory lock id of the active indexer


class Coordination(ABC):
    @abstractmethod
    @contextmanager
    def lock(self) -> Iterator[None]: ...

    @abstractmethod
    def lead(self) -> bool:
        """Become (or stay) the active indexer without waiting; ``False`` while another is."""

    @abstractmethod
    def resign(self) -> None:
        """Stop being the active indexer."""

    @abstractmethod
    def save_status(self, status: dict[str, Any]) -> None: ...

    @abstractmethod
    def load_status(self) -> dict[str, Any]: ...

    def close(self) -> None:
        """Release connections (and with them the locks)."""
        self.resign()


class FileCoordination(Coordination):
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.lock_path = data_dir / "indexer.lock"
        self.lead_path = data_dir / "indexer-active.lock"
        self.db_path = data_dir / "indexer-status.sqlite3"
        self._lead: IO[str] | None = None
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

    def lead(self) -> bool:
        if self._lead is not None:
            return True
        handle = open(self.lead_path, "a+")  # noqa: SIM115 -- held open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lead = handle
        return True

    def resign(self) -> None:
        if self._lead is not None:
            self._lead.close()  # closing the file releases the lock
            self._lead = None

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
        self._lead_conn: Any = None
        self._status_conn: Any = None  # kept open: a status is saved every batch
        self._status_guard = threading.Lock()
        with self._connected() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (id INT PRIMARY KEY, body TEXT)")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """psycopg's connection errors as the event store reports them."""
        try:
            yield
        except self.psycopg.InterfaceError as error:
            raise InterfaceError(str(error)) from error
        except self.psycopg.OperationalError as error:
            raise OperationalError(str(error)) from error

    @contextmanager
    def _connected(self) -> Iterator[Any]:
        with self._errors(), self._connect() as conn:
            yield conn

    def _connect(self) -> Any:
        return self.psycopg.connect(self.url, autocommit=True, connect_timeout=5)

    def _open(self, conn: Any) -> Any:
        if conn is not None and not conn.closed:
            return conn
        with self._errors():
            return self._connect()

    @contextmanager
    def lock(self) -> Iterator[None]:
        conn = self._lock_conn = self._open(self._lock_conn)
        try:
            with self._errors():
                conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        except (OperationalError, InterfaceError):
            self._drop("_lock_conn")
            raise
        try:
            yield
        finally:
            try:
                with self._errors():
                    conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            except (OperationalError, InterfaceError):
                self._drop("_lock_conn")  # the lock went with the connection
                raise

    def lead(self) -> bool:
        """Take the lead lock, or check that the connection holding it is still there."""
        held = self._lead_conn is not None and not self._lead_conn.closed
        conn = self._lead_conn = self._open(self._lead_conn)
        try:
            with self._errors():
                if held:
                    conn.execute("SELECT 1")
                    return True
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LEAD_KEY,)).fetchone()
        except (OperationalError, InterfaceError):
            self._drop("_lead_conn")
            raise
        if not row[0]:
            self._drop("_lead_conn")
        return bool(row[0])

    def resign(self) -> None:
        self._drop("_lead_conn")

    def close(self) -> None:
        self._drop("_lock_conn")
        self._drop("_lead_conn")
        with self._status_guard:
            self._drop("_status_conn")

    def _drop(self, name: str) -> None:
        conn = getattr(self, name)
        setattr(self, name, None)
        if conn is not None:
            conn.close()

    def save_status(self, status: dict[str, Any]) -> None:
        self._on_status_connection(
            f"INSERT INTO {self.table} (id, body) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            (json.dumps(status),),
        )

    def load_status(self) -> dict[str, Any]:
        row = self._on_status_connection(f"SELECT body FROM {self.table} WHERE id = 1", ())
        return json.loads(row[0]) if row else {}

    def _on_status_connection(self, sql: str, params: tuple[Any, ...]) -> Any:
        """Run one statement on the kept status connection; a broken one is dropped."""
        with self._status_guard:
            conn = self._status_conn = self._open(self._status_conn)
            try:
                with self._errors():
                    cursor = conn.execute(sql, params)
                    return cursor.fetchone() if cursor.description else None
            except (OperationalError, InterfaceError):
                self._drop("_status_conn")
                raise


def describe(saved: dict[str, Any], *, stale_after: float = 15.0) -> dict[str, Any]:
    """What the API shows of a saved status: state, heartbeat age, each view, restarts.

    An indexer that stopped writing heartbeats (killed, or its machine gone) shows as
    ``"state": "not running"`` whatever it last wrote.
    """
    heartbeat = saved.get("heartbeat_at")
    age = round(time.time() - heartbeat, 1) if heartbeat else None
    state = saved.get("state") or "not running"
    if state != "stopped" and (age is None or age > stale_after):
        state = "not running"
    return {
        "state": state,
        "pid": saved.get("pid"),
        "heartbeat_age_seconds": age,
        "views": saved.get("views") or {},
        "supervisor": saved.get("supervisor"),
    }
