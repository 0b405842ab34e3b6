"""The tables of the publications read model (:mod:`infra.readmodel.publications`)."""

from __future__ import annotations

from infra.readmodel.publication_versions import VERSIONS_SCHEMA

TABLES = (
    "cp_publications",
    "cp_publication_sets",
    "cp_publication_refs",
    "cp_changes",
    "cp_publication_versions",
)
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS {p}cp_publications (artifact_id TEXT PRIMARY KEY, "
    "seq BIGINT NOT NULL, datestamp DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, "
    "kind TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL, sets TEXT NOT NULL, "
    "record TEXT)",
    "CREATE INDEX IF NOT EXISTS cp_publications_seq ON {p}cp_publications (seq)",
    "CREATE TABLE IF NOT EXISTS {p}cp_publication_sets (setspec TEXT NOT NULL, "
    "artifact_id TEXT NOT NULL, PRIMARY KEY (setspec, artifact_id))",
    "CREATE INDEX IF NOT EXISTS cp_publication_sets_artifact ON {p}cp_publication_sets "
    "(artifact_id)",
    "CREATE TABLE IF NOT EXISTS {p}cp_changes (seq BIGINT PRIMARY KEY, artifact_id TEXT NOT NULL, "
    "type TEXT NOT NULL, datestamp DOUBLE PRECISION NOT NULL, version INTEGER NOT NULL, "
    "title TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cp_changes_artifact ON {p}cp_changes (artifact_id)",
    # What each public row shows of the catalogue, to find it when the catalogue changes.
    "CREATE TABLE IF NOT EXISTS {p}cp_publication_refs (ref TEXT NOT NULL, "
    "artifact_id TEXT NOT NULL, PRIMARY KEY (ref, artifact_id))",
    "CREATE INDEX IF NOT EXISTS cp_publication_refs_artifact ON {p}cp_publication_refs "
    "(artifact_id)",
    # Only withdrawals, for telling a change that a later withdrawal followed.
    "CREATE INDEX IF NOT EXISTS cp_changes_withdrawals ON {p}cp_changes (artifact_id, seq) "
    "WHERE type = 'withdrawn'",
    # Which artifact translates which (``publication_versions``).
    *VERSIONS_SCHEMA,
]
# A change of an artifact that a later change withdrew.
WITHDRAWN_SINCE = (
    "EXISTS (SELECT 1 FROM {p}cp_changes w WHERE w.artifact_id = c.artifact_id "
    "AND w.type = 'withdrawn' AND w.seq > c.seq)"
)
# Views written before withdrawals scrubbed titles: scrub what a withdrawal left behind.
SCRUB = [
    "UPDATE {p}cp_publications SET title = '' WHERE status = 'deleted' AND title <> ''",
    "UPDATE {p}cp_changes AS c SET title = '' WHERE c.artifact_id IN "
    "(SELECT artifact_id FROM {p}cp_changes WHERE type = 'withdrawn') AND c.title <> '' "
    f"AND (c.type = 'withdrawn' OR {WITHDRAWN_SINCE})",
]
