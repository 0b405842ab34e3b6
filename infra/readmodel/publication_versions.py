"""Language versions in the publications read model.

A ``TranslationOf`` event adds one row to ``cp_publication_versions``: this
translation, that original (here). Which versions a record shows is read
through that table at the time of reading, from the public rows of the work's
artifacts, so a version published, withdrawn or narrowed later shows or goes
without deriving any other row again, and the table is a function of the events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

VERSIONS_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_publication_versions (artifact_id TEXT PRIMARY KEY, "
    "original_id TEXT NOT NULL, seq BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cp_publication_versions_original ON "
    "{p}cp_publication_versions (original_id)",
]


@dataclass(frozen=True)
class TranslationLink:
    """``artifact_id`` translates ``original_id`` (recorded at log position ``seq``)."""

    seq: int
    artifact_id: str
    original_id: str


@dataclass(frozen=True)
class VersionRow:
    """One public language version of a work."""

    artifact_id: str
    language: str
    title: str
    original: bool  # the work's original, not a translation of it


class VersionsQueries:
    """Writing the links, and reading a work's public versions."""

    datastore: Any

    if TYPE_CHECKING:

        def sql(self, text: str) -> str: ...

    def _link_translation(self, cursor: Any, link: TranslationLink) -> None:
        cursor.execute(
            self.sql(
                "INSERT INTO {p}cp_publication_versions (artifact_id, original_id, seq) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            ),
            (link.artifact_id, link.original_id, link.seq),
        )

    def original_of(self, artifact_id: str) -> str | None:
        """The id of the original ``artifact_id`` translates, if it is a translation."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT original_id FROM {p}cp_publication_versions WHERE artifact_id = ?"
                ),
                (artifact_id,),
            )
            row = cursor.fetchone()
        return str(row["original_id"]) if row else None

    def versions(self, artifact_id: str) -> list[VersionRow]:
        """Every public language version of the work ``artifact_id`` belongs to (itself
        included, when public), the original first."""
        work = self.original_of(artifact_id) or artifact_id
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                self.sql(
                    "SELECT p.artifact_id, p.title, p.record FROM {p}cp_publications p "
                    "WHERE p.status = 'public' AND (p.artifact_id = ? OR p.artifact_id IN "
                    "(SELECT artifact_id FROM {p}cp_publication_versions WHERE original_id = ?)) "
                    "ORDER BY p.seq"
                ),
                (work, work),
            )
            rows = cursor.fetchall()
        found = [
            VersionRow(row["artifact_id"], _language(row["record"]), row["title"], False)
            for row in rows
        ]
        original = [
            VersionRow(v.artifact_id, v.language, v.title, True)
            for v in found
            if v.artifact_id == work
        ]
        return original + [v for v in found if v.artifact_id != work]


def _language(stored: str | None) -> str:
    if not stored:
        return "en"
    content = json.loads(stored).get("content") or {}
    return str(content.get("language") or "en")
