"""The inbox read model: each principal's notifications, on SQLite or PostgreSQL.

It lives in the event store's database. The indexer's inbox view adds the rows
an event calls for together with its tracking position (a ``TrackingRecorder``
subclass, as for the publications read model and the outbox); the outbox sender
adds the rows for a notice given up without one. A row's id is the
notification's stable id and is inserted with ``ON CONFLICT DO NOTHING``, so a
notification shows once however often its event is projected. Every read and
every change names the recipient: nobody reads or marks another's inbox.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.utils import Environment

from domain.notifications import Notification
from infra.readmodel.tables import PostgresTables, SqliteTables

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_inbox (id TEXT PRIMARY KEY, recipient TEXT NOT NULL, "
    "kind TEXT NOT NULL, title TEXT NOT NULL, artifact_id TEXT, position BIGINT NOT NULL, "
    "detail TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, read_at DOUBLE PRECISION)",
    "CREATE INDEX IF NOT EXISTS cp_inbox_recipient ON {p}cp_inbox (recipient, created_at)",
    # The header's unread count on every page: counted from this index alone.
    "CREATE INDEX IF NOT EXISTS cp_inbox_unread ON {p}cp_inbox (recipient, read_at) "
    "WHERE read_at IS NULL",
]


@dataclass(frozen=True)
class InboxItem:
    id: str
    kind: str
    title: str
    artifact_id: str | None
    detail: dict[str, Any]
    created_at: float
    read_at: float | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


class InboxQueries:
    prefix = ""
    marker = "?"
    datastore: Any

    if TYPE_CHECKING:

        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

        def max_tracking_id(self, application_name: str) -> int | None: ...

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def add(
        self, notifications: Sequence[Notification], tracking: Tracking | None, now: float
    ) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for item in notifications:
                cursor.execute(
                    self.sql(
                        "INSERT INTO {p}cp_inbox (id, recipient, kind, title, artifact_id, "
                        "position, detail, created_at) VALUES (?,?,?,?,?,?,?,?) "
                        "ON CONFLICT (id) DO NOTHING"
                    ),
                    (
                        item.id,
                        item.recipient,
                        item.kind,
                        item.title,
                        item.artifact_id,
                        item.position,
                        json.dumps(item.detail),
                        now,
                    ),
                )
            if tracking is not None:
                self._insert_tracking(cursor, tracking)

    def items(self, recipient: str, *, unread: bool = False, limit: int = 50) -> list[InboxItem]:
        where = "WHERE recipient = ?" + (" AND read_at IS NULL" if unread else "")
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT * FROM {p}cp_inbox "
                    + where
                    + " ORDER BY created_at DESC, position DESC, id LIMIT ?"
                ),
                (recipient, limit),
            )
            return [_item(row) for row in cursor.fetchall()]

    def unread_count(self, recipient: str) -> int:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT count(*) AS n FROM {p}cp_inbox WHERE recipient = ? AND read_at IS NULL"
                ),
                (recipient,),
            )
            row = cursor.fetchone()
            return int(row["n"]) if row else 0

    def mark_read(self, recipient: str, ids: Sequence[str] | None, at: float) -> int:
        """Marks the recipient's items read (all of them when ``ids`` is None)."""
        with self.datastore.transaction(commit=True) as cursor:
            base = "UPDATE {p}cp_inbox SET read_at = ? WHERE recipient = ? AND read_at IS NULL"
            if ids is None:
                cursor.execute(self.sql(base + " RETURNING id"), (at, recipient))
                return len(cursor.fetchall())
            changed = 0
            for item_id in ids:
                cursor.execute(
                    self.sql(base + " AND id = ? RETURNING id"), (at, recipient, item_id)
                )
                changed += len(cursor.fetchall())
            return changed

    def close(self) -> None:
        self.datastore.close()


def _item(row: Any) -> InboxItem:
    return InboxItem(
        row["id"],
        row["kind"],
        row["title"],
        row["artifact_id"],
        json.loads(row["detail"]),
        float(row["created_at"]),
        row["read_at"],
    )


class SqliteInbox(InboxQueries, SqliteTables):
    schema = SCHEMA


class PostgresInbox(InboxQueries, PostgresTables):
    schema = SCHEMA


Inbox = SqliteInbox | PostgresInbox


def build_inbox(env: dict[str, str]) -> Inbox:
    factory = InfrastructureFactory.construct(Environment("Inbox", env))
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return cast(PostgresInbox, factory.tracking_recorder(PostgresInbox))
    return cast(SqliteInbox, factory.tracking_recorder(SqliteInbox))
