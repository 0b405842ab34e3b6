"""Which published artifact refers to which place and framework term.

A small read model that the search view keeps beside its index, so that a renamed
place or an edited term finds the documents that show it without a scan: one row
per reference (``place:<slug>`` for the artifact's own place, ``term:<framework>:<term>``
for each of its terms, ``person:<id>`` for each person it lists) of each artifact's
current publication, with the version of the artifact that last changed it. It lives
in the event store's database and records its tracking position in the same
transaction as its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore

from infra.readmodel.tables import PostgresTables, SqliteTables

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_references (ref TEXT NOT NULL, artifact_id TEXT NOT NULL, "
    "version INTEGER NOT NULL, PRIMARY KEY (ref, artifact_id))",
    "CREATE INDEX IF NOT EXISTS cp_references_artifact ON {p}cp_references (artifact_id)",
]
CHUNK = 500  # references asked for in one statement


@dataclass(frozen=True)
class Referencing:
    """An artifact's references now: those of its publication, or none once withdrawn."""

    artifact_id: str
    version: int
    refs: tuple[str, ...]


class ReferencesQueries:
    prefix = ""
    marker = "?"
    datastore: Any

    def sql(self, text: str) -> str:
        return text.replace("{p}", self.prefix).replace("?", self.marker)

    def record(self, changes: Sequence[Referencing], tracking: Tracking) -> None:
        """Replace the references of each artifact, and record the position, in one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            for change in changes:
                cursor.execute(
                    self.sql("DELETE FROM {p}cp_references WHERE artifact_id = ?"),
                    (change.artifact_id,),
                )
                for ref in dict.fromkeys(change.refs):
                    cursor.execute(
                        self.sql(
                            "INSERT INTO {p}cp_references (ref, artifact_id, version) "
                            "VALUES (?, ?, ?)"
                        ),
                        (ref, change.artifact_id, change.version),
                    )
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]

    def referring(self, refs: Iterable[str]) -> dict[str, int]:
        """Each artifact that refers to any of ``refs``, with its publication's version."""
        wanted, found = sorted(set(refs)), dict[str, int]()
        with self.datastore.transaction(commit=False) as cursor:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(
                    self.sql(
                        "SELECT artifact_id, version FROM {p}cp_references "
                        f"WHERE ref IN ({marks})"
                    ),
                    tuple(chunk),
                )
                found.update((row["artifact_id"], int(row["version"])) for row in cursor.fetchall())
        return found


class SqliteReferences(ReferencesQueries, SqliteTables):
    schema = SCHEMA


class PostgresReferences(ReferencesQueries, PostgresTables):
    schema = SCHEMA


References = SqliteReferences | PostgresReferences


def references_beside(datastore: Any) -> References:
    """The references read model in the event store's database, on its own connections
    (so that it opens no pool of its own, and closing it is the event store's business)."""
    recorder: References
    if isinstance(datastore, PostgresDatastore):
        recorder = PostgresReferences(datastore, tracking_table_name="references_tracking")
    else:
        recorder = SqliteReferences(datastore)
    recorder.create_table()
    return recorder
