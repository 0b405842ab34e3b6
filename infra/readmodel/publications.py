"""The publications read model: what the public may harvest, and every public change.

For each artifact it keeps its latest public state (``public`` or ``deleted``,
the log position and time of that change, its kind and its OAI sets), and it
keeps one row per public change (published, republished, withdrawn) for the
change feed. Members-only, draft and withdrawn content never appears, except
as a tombstone for something that was public before.

The view lives in the event store's database and records its eventsourcing
tracking position in the same transaction as its rows (a TrackingRecorder
subclass, as the eventsourcing documentation does for materialised views).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import InfrastructureFactory, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL

TABLES = ("cp_publications", "cp_publication_sets", "cp_changes")


@dataclass(frozen=True)
class PublicationEvent:
    """One publication-relevant event, as the projection hands it over."""

    seq: int
    artifact_id: str
    datestamp: float
    public: bool  # published publicly (False: withdrawn, or published for members only)
    kind: str
    version: int
    title: str
    sets: tuple[str, ...]


@dataclass(frozen=True)
class PublicationRow:
    artifact_id: str
    seq: int
    datestamp: float
    status: str  # "public" or "deleted"
    kind: str
    version: int
    title: str
    sets: tuple[str, ...]


@dataclass(frozen=True)
class ChangeRow:
    seq: int
    artifact_id: str
    type: str  # "published", "republished" or "withdrawn"
    datestamp: float
    version: int
    title: str


SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_publications (artifact_id TEXT PRIMARY KEY, "
    "seq BIGINT NOT NULL, datestamp DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, "
    "kind TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL, sets TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cp_publications_seq ON {p}cp_publications (seq)",
    "CREATE TABLE IF NOT EXISTS {p}cp_publication_sets (setspec TEXT NOT NULL, "
    "artifact_id TEXT NOT NULL, PRIMARY KEY (setspec, artifact_id))",
    "CREATE INDEX IF NOT EXISTS cp_publication_sets_artifact ON {p}cp_publication_sets "
    "(artifact_id)",
    "CREATE TABLE IF NOT EXISTS {p}cp_changes (seq BIGINT PRIMARY KEY, artifact_id TEXT NOT NULL, "
    "type TEXT NOT NULL, datestamp DOUBLE PRECISION NOT NULL, version INTEGER NOT NULL, "
    "title TEXT NOT NULL)",
]


class PublicationsQueries:
    """Reads and writes shared by the SQLite and PostgreSQL views."""

    prefix = ""
    marker = "?"
    datastore: Any

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    if TYPE_CHECKING:

        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

    # -- writing -------------------------------------------------------------

    def apply(self, events: Sequence[PublicationEvent], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for event in events:
                self._apply_one(cursor, event)
            self._insert_tracking(cursor, tracking)

    def _apply_one(self, cursor: Any, event: PublicationEvent) -> None:
        cursor.execute(
            self.sql("SELECT * FROM {p}cp_publications WHERE artifact_id = ?"),
            (event.artifact_id,),
        )
        row = cursor.fetchone()
        was_public = row is not None and row["status"] == "public"
        if row is not None and row["seq"] >= event.seq:
            return  # already applied
        if not event.public and not was_public:
            return  # never public: nothing to say, not even a tombstone
        if not event.public:  # a tombstone keeps what harvesters knew: title, kind, sets
            previous = _publication(row)
            event = PublicationEvent(
                event.seq,
                event.artifact_id,
                event.datestamp,
                False,
                previous.kind,
                event.version,
                previous.title,
                previous.sets,
            )
        status = "public" if event.public else "deleted"
        change = "withdrawn" if not event.public else ("republished" if row else "published")
        cursor.execute(
            self.sql(
                "INSERT INTO {p}cp_publications (artifact_id, seq, datestamp, status, kind, "
                "version, title, sets) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (artifact_id) DO "
                "UPDATE SET seq = excluded.seq, datestamp = excluded.datestamp, "
                "status = excluded.status, kind = excluded.kind, version = excluded.version, "
                "title = excluded.title, sets = excluded.sets"
            ),
            (
                event.artifact_id,
                event.seq,
                event.datestamp,
                status,
                event.kind,
                event.version,
                event.title,
                json.dumps(list(event.sets)),
            ),
        )
        cursor.execute(
            self.sql("DELETE FROM {p}cp_publication_sets WHERE artifact_id = ?"),
            (event.artifact_id,),
        )
        for setspec in event.sets:
            cursor.execute(
                self.sql(
                    "INSERT INTO {p}cp_publication_sets (setspec, artifact_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING"
                ),
                (setspec, event.artifact_id),
            )
        cursor.execute(
            self.sql(
                "INSERT INTO {p}cp_changes (seq, artifact_id, type, datestamp, version, title) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING"
            ),
            (event.seq, event.artifact_id, change, event.datestamp, event.version, event.title),
        )

    # -- reading -------------------------------------------------------------

    def listing(
        self,
        *,
        after_seq: int = 0,
        limit: int = 100,
        from_ts: float | None = None,
        until_ts: float | None = None,
        setspec: str | None = None,
    ) -> list[PublicationRow]:
        where, params = self._filters(from_ts, until_ts, setspec)
        sql = "SELECT p.* FROM {p}cp_publications p WHERE p.seq > ?" + where
        sql += " ORDER BY p.seq LIMIT ?"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(sql), (after_seq, *params, limit))
            return [_publication(row) for row in cursor.fetchall()]

    def count(
        self,
        *,
        from_ts: float | None = None,
        until_ts: float | None = None,
        setspec: str | None = None,
    ) -> int:
        where, params = self._filters(from_ts, until_ts, setspec)
        sql = "SELECT count(*) AS n FROM {p}cp_publications p WHERE 1 = 1" + where
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(sql), tuple(params))
            return int(cursor.fetchone()["n"])

    def _filters(
        self, from_ts: float | None, until_ts: float | None, setspec: str | None
    ) -> tuple[str, list[Any]]:
        where, params = "", list[Any]()
        if from_ts is not None:
            where += " AND p.datestamp >= ?"
            params.append(from_ts)
        if until_ts is not None:
            where += " AND p.datestamp < ?"
            params.append(until_ts)
        if setspec is not None:
            where += (
                " AND p.artifact_id IN (SELECT artifact_id FROM {p}cp_publication_sets "
                "WHERE setspec = ?)"
            )
            params.append(setspec)
        return where, params

    def get(self, artifact_id: str) -> PublicationRow | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql("SELECT * FROM {p}cp_publications WHERE artifact_id = ?"), (artifact_id,)
            )
            row = cursor.fetchone()
        return _publication(row) if row else None

    def earliest(self) -> float | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql("SELECT min(datestamp) AS m FROM {p}cp_publications"))
            row = cursor.fetchone()
        return float(row["m"]) if row and row["m"] is not None else None

    def setspecs(self) -> list[tuple[str, int]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT s.setspec AS setspec, count(*) AS n FROM {p}cp_publication_sets s "
                    "JOIN {p}cp_publications p ON p.artifact_id = s.artifact_id "
                    "WHERE p.status = 'public' GROUP BY s.setspec ORDER BY s.setspec"
                )
            )
            return [(row["setspec"], int(row["n"])) for row in cursor.fetchall()]

    def changes(self, after_seq: int, limit: int) -> list[ChangeRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql("SELECT * FROM {p}cp_changes WHERE seq > ? ORDER BY seq LIMIT ?"),
                (after_seq, limit),
            )
            return [
                ChangeRow(
                    int(row["seq"]),
                    row["artifact_id"],
                    row["type"],
                    float(row["datestamp"]),
                    int(row["version"]),
                    row["title"],
                )
                for row in cursor.fetchall()
            ]


def _publication(row: Any) -> PublicationRow:
    return PublicationRow(
        row["artifact_id"],
        int(row["seq"]),
        float(row["datestamp"]),
        row["status"],
        row["kind"],
        int(row["version"]),
        row["title"],
        tuple(json.loads(row["sets"])),
    )


class SqlitePublications(PublicationsQueries, SQLiteTrackingRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return super().construct_create_table_statements() + [self.sql(s) for s in SCHEMA]


class PostgresPublications(PublicationsQueries, PostgresTrackingRecorder):
    marker = "%s"

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.prefix = f'"{self.datastore.schema}".'
        self.sql_create_statements.extend(SQL(self.sql(s)) for s in SCHEMA)  # type: ignore[misc]


Publications = SqlitePublications | PostgresPublications


def build_publications(env: dict[str, str]) -> TrackingRecorder:
    factory = InfrastructureFactory.construct(Environment("Publications", env))
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return factory.tracking_recorder(PostgresPublications)
    return factory.tracking_recorder(SqlitePublications)
