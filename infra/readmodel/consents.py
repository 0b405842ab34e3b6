"""The consent enforcement follower's state, on SQLite or PostgreSQL.

What the follower folded from the log: for each artifact the persons its draft
and its publication list and whether a decision is due; each consent's terms;
each person's standing (minor, erased); and how far the expiry sweep has gone.
Rows are JSON documents keyed by id, written with the follower's tracking
position in one transaction. It lives in the event store's database, on the
event store's own connections, like the references read model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore

from domain.app.consent_facts import KINDS, Rows
from infra.readmodel.tables import PostgresTables, SqliteTables

SCHEMA = [
    f"CREATE TABLE IF NOT EXISTS {{p}}cp_consent_{kind} (id TEXT PRIMARY KEY, data TEXT NOT NULL)"
    for kind in KINDS
]


@dataclass
class ConsentSnapshot:
    """Every row of the state, by kind and id."""

    artifacts: Rows = field(default_factory=dict)
    terms: Rows = field(default_factory=dict)
    standings: Rows = field(default_factory=dict)
    meta: Rows = field(default_factory=dict)

    def of(self, kind: str) -> Rows:
        rows: Rows = getattr(self, kind)
        return rows


class ConsentQueries:
    prefix = ""
    marker = "?"
    datastore: Any

    if TYPE_CHECKING:

        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

        def max_tracking_id(self, application_name: str) -> int | None: ...

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def load(self) -> ConsentSnapshot:
        snapshot = ConsentSnapshot()
        with self.datastore.transaction(commit=False) as cursor:
            for kind in KINDS:
                cursor.execute(self.sql(f"SELECT id, data FROM {{p}}cp_consent_{kind}"))
                rows = snapshot.of(kind)
                rows.update((row["id"], json.loads(row["data"])) for row in cursor.fetchall())
        return snapshot

    def save(self, changes: Mapping[str, Rows], tracking: Tracking | None) -> None:
        """Write the changed rows (by kind) and, if given, the position, in one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            for kind, rows in changes.items():
                if kind not in KINDS:
                    raise ValueError(f"Unknown kind of consent state {kind!r}")
                for row_id, data in rows.items():
                    cursor.execute(
                        self.sql(
                            f"INSERT INTO {{p}}cp_consent_{kind} (id, data) VALUES (?, ?) "
                            "ON CONFLICT (id) DO UPDATE SET data = excluded.data"
                        ),
                        (row_id, json.dumps(data, sort_keys=True)),
                    )
            if tracking is not None:
                self._insert_tracking(cursor, tracking)


class SqliteConsents(ConsentQueries, SqliteTables):
    schema = SCHEMA


class PostgresConsents(ConsentQueries, PostgresTables):
    schema = SCHEMA


Consents = SqliteConsents | PostgresConsents


def consents_beside(datastore: Any) -> Consents:
    """The state in the event store's database, on the event store's connections."""
    recorder: Consents
    if isinstance(datastore, PostgresDatastore):
        recorder = PostgresConsents(datastore, tracking_table_name="consents_tracking")
    else:
        recorder = SqliteConsents(datastore)
    recorder.create_table()
    return recorder
