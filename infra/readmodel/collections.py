"""The collections read model: one row per collection, for lists and OAI-PMH's ListSets.

The indexer keeps it (``services/indexer/collections.py``) in the event store's
database, and records its tracking position in the same transaction as its rows,
under its own name (every read model of that database shares one tracking table
on SQLite). It keeps no item of a collection: what a collection shows of its
artifacts is read when it is shown, so a withdrawn artifact is never listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore

from infra.readmodel.tables import PostgresTables, SqliteTables

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_collections (collection_id TEXT PRIMARY KEY, "
    "slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, owner TEXT NOT NULL, "
    "created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, "
    "version INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cp_collections_owner ON {p}cp_collections (owner)",
]
COLUMNS = "collection_id, slug, title, owner, created_at, updated_at, version"


@dataclass(frozen=True)
class CollectionRow:
    collection_id: str
    slug: str
    title: str
    owner: str
    created_at: float
    updated_at: float
    version: int


class CollectionsQueries:
    prefix = ""
    marker = "?"
    datastore: Any

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def record(self, rows: Sequence[CollectionRow], tracking: Tracking) -> None:
        """Write each collection's row, and the position, in one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            for row in rows:
                cursor.execute(
                    self.sql("DELETE FROM {p}cp_collections WHERE collection_id = ?"),
                    (row.collection_id,),
                )
                cursor.execute(
                    self.sql(
                        f"INSERT INTO {{p}}cp_collections ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    ),
                    (
                        row.collection_id,
                        row.slug,
                        row.title,
                        row.owner,
                        row.created_at,
                        row.updated_at,
                        row.version,
                    ),
                )
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]

    def listing(self, owner: str | None = None, limit: int = 500) -> list[CollectionRow]:
        """Collections, the most recently changed first (``owner``: only theirs)."""
        where, params = ("WHERE owner = ?", [owner]) if owner is not None else ("", [])
        sql = f"SELECT {COLUMNS} FROM {{p}}cp_collections {where} ORDER BY updated_at DESC, slug"
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(sql + " LIMIT ?"), (*params, limit))
            return [_row(found) for found in cursor.fetchall()]

    def by_slug(self, slug: str) -> CollectionRow | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(f"SELECT {COLUMNS} FROM {{p}}cp_collections WHERE slug = ?"), (slug,)
            )
            found = cursor.fetchone()
        return _row(found) if found else None


def _row(found: Any) -> CollectionRow:
    return CollectionRow(
        found["collection_id"],
        found["slug"],
        found["title"],
        found["owner"],
        float(found["created_at"]),
        float(found["updated_at"]),
        int(found["version"]),
    )


class SqliteCollections(CollectionsQueries, SqliteTables):
    schema = SCHEMA


class PostgresCollections(CollectionsQueries, PostgresTables):
    schema = SCHEMA


CollectionsView = SqliteCollections | PostgresCollections


def collections_beside(datastore: Any) -> CollectionsView:
    """The collections read model in the event store's database, on its connections."""
    recorder: CollectionsView
    if isinstance(datastore, PostgresDatastore):
        recorder = PostgresCollections(datastore, tracking_table_name="collections_tracking")
    else:
        recorder = SqliteCollections(datastore)
    recorder.create_table()
    return recorder
