"""Web sign-in sessions, kept server-side: the port and its SQL adapter.

A session is a random id given to the browser in a cookie. The database keeps
only the id's SHA-256, the access token's id (never the token) and when the
session ends, so signing out (or a stolen copy of the table) ends it for good.
The table lives in the read-model database beside the event store: SQLite by
default, PostgreSQL when settings say so; the same SQL serves both.

The same database keeps the key that derives CSRF tokens from session ids, so
every API host agrees on it without configuration.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_web_sessions (id_hash TEXT PRIMARY KEY, "
    "token_id TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, "
    "expires DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {p}cp_web_session_key (id INTEGER PRIMARY KEY, "
    "secret TEXT NOT NULL)",
]


@dataclass(frozen=True)
class Session:
    id: str  # what the cookie holds; stored only as its hash
    token_id: UUID  # the access token the person signed in with
    expires: float


class SessionStore(ABC):
    """Where sessions live between requests."""

    @abstractmethod
    def create(self, token_id: UUID, seconds: float) -> Session: ...

    @abstractmethod
    def get(self, session_id: str) -> Session | None:
        """The session, unless it is unknown, ended or expired."""

    @abstractmethod
    def delete(self, session_id: str) -> None: ...

    @abstractmethod
    def secret(self) -> bytes:
        """The key CSRF tokens are derived with."""


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SqlSessionStore(SessionStore):
    """Over an eventsourcing datastore (SQLite or PostgreSQL): its pool and transactions."""

    def __init__(self, datastore: Any, clock: Callable[[], float] = time.time) -> None:
        self.datastore = datastore
        self.clock = clock
        schema = getattr(datastore, "schema", None)
        self.prefix = f'"{schema}".' if schema else ""
        self.marker = "%s" if schema else "?"
        self._secret: bytes | None = None
        with self.datastore.transaction(commit=True) as cursor:
            for statement in SCHEMA:
                cursor.execute(self.sql(statement))

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def create(self, token_id: UUID, seconds: float) -> Session:
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), token_id, now + seconds)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql("DELETE FROM {p}cp_web_sessions WHERE expires < ?"), (now,))
            cursor.execute(
                self.sql(
                    "INSERT INTO {p}cp_web_sessions (id_hash, token_id, created, expires) "
                    "VALUES (?, ?, ?, ?)"
                ),
                (_hash(session.id), str(token_id), now, session.expires),
            )
        return session

    def get(self, session_id: str) -> Session | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql("SELECT token_id, expires FROM {p}cp_web_sessions WHERE id_hash = ?"),
                (_hash(session_id),),
            )
            row = cursor.fetchone()
        if row is None or float(row["expires"]) <= self.clock():
            return None
        return Session(session_id, UUID(row["token_id"]), float(row["expires"]))

    def delete(self, session_id: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                self.sql("DELETE FROM {p}cp_web_sessions WHERE id_hash = ?"), (_hash(session_id),)
            )

    def secret(self) -> bytes:
        if self._secret is None:
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(
                    self.sql(
                        "INSERT INTO {p}cp_web_session_key (id, secret) VALUES (1, ?) "
                        "ON CONFLICT DO NOTHING"
                    ),
                    (secrets.token_hex(32),),
                )
                cursor.execute(self.sql("SELECT secret FROM {p}cp_web_session_key WHERE id = 1"))
                self._secret = str(cursor.fetchone()["secret"]).encode()
        return self._secret
