"""The outbox on SQLite or PostgreSQL, in the event store's database.

One row per notice with its delivery state; the follower's tracking position is
recorded in the same transaction as the rows it adds (an eventsourcing
``TrackingRecorder`` subclass, as for the publications read model), so after a
crash the follower resumes exactly where its last batch ended. Rows are
inserted with ``ON CONFLICT DO NOTHING``: a notice id is stored once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.utils import Environment

from domain.outbox import FAILED, PENDING, SENT, STATES, Notice, Outbox, OutboxEntry
from infra.readmodel.tables import PostgresTables, SqliteTables

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_outbox (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
    "target TEXT NOT NULL, payload TEXT NOT NULL, position BIGINT NOT NULL, "
    "state TEXT NOT NULL, attempts INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL, "
    "next_attempt_at DOUBLE PRECISION, last_error TEXT, sent_at DOUBLE PRECISION)",
    "CREATE INDEX IF NOT EXISTS cp_outbox_due ON {p}cp_outbox (state, next_attempt_at)",
]

# A new entry, pending with no attempts yet; a notice whose id is stored already is skipped.
INSERT = (
    "INSERT INTO {p}cp_outbox (id, kind, target, payload, position, state, "
    "attempts, created_at, next_attempt_at) VALUES (?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (id) DO NOTHING"
)


def _new_row(notice: Notice, now: float) -> tuple[Any, ...]:
    payload = json.dumps(notice.payload)
    return (notice.id, notice.kind, notice.target, payload, notice.position, PENDING, 0, now, now)


class OutboxQueries:
    prefix = ""
    marker = "?"
    datastore: Any

    if TYPE_CHECKING:

        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def add(self, notices: Sequence[Notice], tracking: Tracking, now: float) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for notice in notices:
                cursor.execute(self.sql(INSERT), _new_row(notice, now))
            self._insert_tracking(cursor, tracking)

    def accept(self, notice: Notice, now: float) -> bool:
        """Stores one notice received from elsewhere (no log position); False if its id
        is stored already."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self.sql(INSERT + " RETURNING id"), _new_row(notice, now))
            return cursor.fetchone() is not None

    def close(self) -> None:
        self.datastore.close()

    def due(self, now: float, limit: int) -> list[OutboxEntry]:
        return self._select(
            "WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, position LIMIT ?",
            (PENDING, now, limit),
        )

    def claim(self, notice_id: str, seen_next: float, until: float) -> bool:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                self.sql(
                    "UPDATE {p}cp_outbox SET next_attempt_at = ? "
                    "WHERE id = ? AND state = ? AND next_attempt_at = ? RETURNING id"
                ),
                (until, notice_id, PENDING, seen_next),
            )
            return cursor.fetchone() is not None

    def delivered(self, notice_id: str, attempts: int, at: float, note: str) -> None:
        self._update(notice_id, SENT, attempts, None, note or None, at)

    def retry(self, notice_id: str, attempts: int, at: float, error: str) -> None:
        self._update(notice_id, PENDING, attempts, at, error, None)

    def failed(self, notice_id: str, attempts: int, error: str) -> None:
        self._update(notice_id, FAILED, attempts, None, error, None)

    def _update(
        self,
        notice_id: str,
        state: str,
        attempts: int,
        next_at: float | None,
        error: str | None,
        sent_at: float | None,
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                self.sql(
                    "UPDATE {p}cp_outbox SET state = ?, attempts = ?, next_attempt_at = ?, "
                    "last_error = ?, sent_at = ? WHERE id = ?"
                ),
                (state, attempts, next_at, error, sent_at, notice_id),
            )

    def entries(self, state: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        if state is None:
            return self._select("ORDER BY position DESC, id LIMIT ?", (limit,))
        return self._select("WHERE state = ? ORDER BY position DESC, id LIMIT ?", (state, limit))

    def about(self, artifact_id: str, limit: int = 500) -> list[OutboxEntry]:
        """The notices whose payload names ``artifact_id`` (as ``json.dumps`` writes it)."""
        fragment = json.dumps({"artifact_id": artifact_id})[1:-1]
        return self._select(
            "WHERE payload LIKE ? ORDER BY position DESC, id LIMIT ?", (f"%{fragment}%", limit)
        )

    def get(self, notice_id: str) -> OutboxEntry | None:
        found = self._select("WHERE id = ?", (notice_id,))
        return found[0] if found else None

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT state, count(*) AS n FROM {p}cp_outbox GROUP BY state"))
            for row in cursor.fetchall():
                found[row["state"]] = int(row["n"])
        return found

    def waiting(self, kind: str, target_prefix: str = "") -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT count(*) AS n FROM {p}cp_outbox WHERE state = ? AND kind = ? "
                    "AND substr(target, 1, ?) = ?"
                ),
                (PENDING, kind, len(target_prefix), target_prefix),
            )
            row = cursor.fetchone()
            return int(row["n"]) if row else 0

    def _select(self, where: str, params: tuple[Any, ...]) -> list[OutboxEntry]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT * FROM {p}cp_outbox " + where), params)
            return [_entry(row) for row in cursor.fetchall()]


def _entry(row: Any) -> OutboxEntry:
    notice = Notice(
        row["id"], row["kind"], row["target"], json.loads(row["payload"]), int(row["position"])
    )
    return OutboxEntry(
        notice,
        row["state"],
        int(row["attempts"]),
        float(row["created_at"]),
        row["next_attempt_at"],
        row["last_error"],
        row["sent_at"],
    )


class SqliteOutbox(OutboxQueries, SqliteTables):
    schema = SCHEMA


class PostgresOutbox(OutboxQueries, PostgresTables):
    schema = SCHEMA


def build_outbox(env: dict[str, str]) -> Outbox:
    factory = InfrastructureFactory.construct(Environment("Outbox", env))
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return cast(PostgresOutbox, factory.tracking_recorder(PostgresOutbox))
    return cast(SqliteOutbox, factory.tracking_recorder(SqliteOutbox))
