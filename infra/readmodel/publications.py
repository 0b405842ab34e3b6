"""The publications read model: what the public may harvest, and every public change.

For each artifact it keeps its latest public state (``public`` or ``deleted``,
the log position and time of that change, its kind and its OAI sets, and what
its syndication record is built from, so that an OAI-PMH harvest reads no
aggregate), and it keeps one row per public change (published, republished, withdrawn) for the
change feed. Members-only, draft and withdrawn content never appears, except
as a tombstone for something that was public before.

The view lives in the event store's database and records its eventsourcing
tracking position in the same transaction as its rows (a TrackingRecorder
subclass, as the eventsourcing documentation does for materialised views).
Writing is in :mod:`infra.readmodel.publications_writes`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL

from infra.readmodel.publications_schema import SCHEMA, SCRUB, TABLES, WITHDRAWN_SINCE
from infra.readmodel.publications_writes import (
    PublicationChange,
    PublicationEvent,
    PublicationsWriteFailed,
    PublicationsWrites,
    Relabel,
    SqliteImmediateWrites,
)
from infra.readmodel.sqlite_schema import ImmediateSchema

__all__ = [
    "TABLES",
    "ChangeRow",
    "PublicationChange",
    "PublicationEvent",
    "PublicationRow",
    "Publications",
    "PublicationsWriteFailed",
    "Relabel",
    "build_publications",
]


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
    # What its syndication record is built from; None for a tombstone, when not asked
    # for, or for a row written before the view stored it (then the aggregate is read).
    record: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChangeRow:
    seq: int
    artifact_id: str
    type: str  # "published", "republished" or "withdrawn"
    datestamp: float
    version: int
    title: str  # empty once the artifact was withdrawn later (the withdrawal scrubs it)
    # Whether a later withdrawal of the artifact follows this change: then it links nowhere.
    withdrawn_since: bool = False


# The columns of a row without its record (the headers of a list need no more).
HEADER_COLUMNS = "p.artifact_id, p.seq, p.datestamp, p.status, p.kind, p.version, p.title, p.sets"


class PublicationsQueries(PublicationsWrites):
    """Reads and writes shared by the SQLite and PostgreSQL views."""

    prefix = ""
    marker = "?"
    datastore: Any

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    # -- reading -------------------------------------------------------------

    def listing(
        self,
        *,
        after_seq: int = 0,
        limit: int = 100,
        from_ts: float | None = None,
        until_ts: float | None = None,
        setspec: str | None = None,
        records: bool = False,
    ) -> list[PublicationRow]:
        """Rows in log order after ``after_seq``; with what their records need if ``records``."""
        where, params = self._filters(from_ts, until_ts, setspec)
        columns = HEADER_COLUMNS + (", p.record" if records else "")
        sql = f"SELECT {columns} FROM {{p}}cp_publications p WHERE p.seq > ?" + where
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
                self.sql(
                    f"SELECT {HEADER_COLUMNS}, p.record FROM {{p}}cp_publications p "
                    "WHERE p.artifact_id = ?"
                ),
                (artifact_id,),
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
                self.sql(
                    "SELECT c.seq, c.artifact_id, c.type, c.datestamp, c.version, c.title, "
                    f"{WITHDRAWN_SINCE} AS withdrawn_since FROM {{p}}cp_changes c "
                    "WHERE c.seq > ? ORDER BY c.seq LIMIT ?"
                ),
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
                    bool(row["withdrawn_since"]),
                )
                for row in cursor.fetchall()
            ]


def _publication(row: Any) -> PublicationRow:
    try:
        stored = row["record"]
    except (IndexError, KeyError):  # not selected (sqlite3.Row and dict rows differ here)
        stored = None
    return PublicationRow(
        row["artifact_id"],
        int(row["seq"]),
        float(row["datestamp"]),
        row["status"],
        row["kind"],
        int(row["version"]),
        row["title"],
        tuple(json.loads(row["sets"])),
        json.loads(stored) if stored else None,
    )


class SqlitePublications(
    SqliteImmediateWrites, PublicationsQueries, SQLiteTrackingRecorder, ImmediateSchema
):
    def construct_create_table_statements(self) -> list[str]:
        statements = SCHEMA + SCRUB
        return super().construct_create_table_statements() + [self.sql(s) for s in statements]

    def _create_table(self, c: Any) -> None:
        super()._create_table(c)
        c.execute("SELECT name FROM pragma_table_info('cp_publications')")
        if "record" not in {row["name"] for row in c.fetchall()}:  # made before records
            c.execute("ALTER TABLE cp_publications ADD COLUMN record TEXT")


class PostgresPublications(PublicationsQueries, PostgresTrackingRecorder):
    marker = "%s"

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.prefix = f'"{self.datastore.schema}".'
        self.sql_create_statements.extend(SQL(self.sql(s)) for s in SCHEMA)  # type: ignore[misc]
        self.sql_create_statements.append(
            SQL(self.sql("ALTER TABLE {p}cp_publications ADD COLUMN IF NOT EXISTS record TEXT"))  # type: ignore[arg-type]
        )
        self.sql_create_statements.extend(SQL(self.sql(s)) for s in SCRUB)  # type: ignore[misc]

    def _forget_old_copies(self) -> bool:
        """Rewrite the table, so that no replaced row version (an erased person's name
        among them) stays in its files; False if a lock held it back (the next batch
        tries again). The server's write-ahead log keeps a copy (see docs/consent.md)."""
        with self.datastore.get_connection() as connection:  # autocommit: VACUUM needs it
            try:
                connection.execute("SET lock_timeout = '5s'")
                connection.execute(SQL(self.sql("VACUUM FULL {p}cp_publications")))
            except psycopg.Error:  # a lock held it back, or the server: the next batch retries
                return False
            finally:
                connection.execute("RESET lock_timeout")
        return True


Publications = SqlitePublications | PostgresPublications


def build_publications(env: dict[str, str]) -> TrackingRecorder:
    factory = InfrastructureFactory.construct(Environment("Publications", env))
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        return factory.tracking_recorder(PostgresPublications)
    return factory.tracking_recorder(SqlitePublications)
