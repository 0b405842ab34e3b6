"""Writing the publications read model: one writer transaction per batch.

On SQLite the batch's transaction starts with ``BEGIN IMMEDIATE``: it takes the
write lock first (waiting for it up to the busy timeout) and only then reads the
rows it updates. The eventsourcing library's own transactions start with a
deferred ``BEGIN``, whose upgrade from reading to writing SQLite refuses at once
with "database is locked" (the busy timeout does not apply) whenever another
connection committed in between, as the API does all the time.

A person's name leaves the view for good when they are erased: the SQLite writes
run with ``secure_delete`` (a deleted or replaced row's bytes are overwritten),
and a batch that derives rows again for an erasure (a :class:`Relabel` with
``purge``) then checkpoints the write-ahead log and truncates it, so no earlier
copy of a row stays in the file (tried again with the next batch while readers
hold it back).

Every failure of a write is raised as :class:`PublicationsWriteFailed`, so that
whoever drives the view (the indexer) can tell it apart from a failure of the
search index and retry each on its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError, Tracking

from infra.readmodel.publication_versions import TranslationLink, VersionsQueries


class PublicationsWriteFailed(PersistenceError):
    """The publications read model could not record a batch (nothing of it was kept)."""


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
    # What a syndication record is built from (see infra.syndication.records.stored_record);
    # None for a withdrawal or a members-only publication.
    record: dict[str, Any] | None = field(default=None, compare=False)
    # What finds the row again when the catalogue changes (``place:<slug>``, ``term:<key>``).
    refs: tuple[str, ...] = field(default=(), compare=False)


# From an artifact's kind and stored record: the record, its sets and its references anew.
Derive = Callable[[str, dict[str, Any]], tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]]


@dataclass(frozen=True)
class Relabel:
    """A catalogue change: every public row that refers to one of ``refs`` is derived again."""

    seq: int
    refs: tuple[str, ...]
    derive: Derive = field(compare=False)
    # An erasure: once written, no earlier copy of the rows may stay in storage.
    purge: bool = False


PublicationChange = PublicationEvent | Relabel | TranslationLink


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dump_record(record: dict[str, Any] | None) -> str | None:
    return None if record is None else json.dumps(record, default=_encode, separators=(",", ":"))


class PublicationsWrites(VersionsQueries):
    """The writing half of the view, shared by the SQLite and PostgreSQL adapters."""

    datastore: Any

    if TYPE_CHECKING:

        def sql(self, text: str) -> str: ...
        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

    def apply(self, events: Sequence[PublicationChange], tracking: Tracking) -> None:
        """Record a batch and the position it reached, in one transaction."""
        purge = any(isinstance(e, Relabel) and e.purge for e in events)
        try:
            with self._writing() as cursor:
                for event in events:
                    if isinstance(event, Relabel):
                        self._relabel(cursor, event)
                    elif isinstance(event, TranslationLink):
                        self._link_translation(cursor, event)
                    else:
                        self._apply_one(cursor, event)
                self._insert_tracking(cursor, tracking)
            if purge or self._purge_pending:
                self._purge_pending = not self._forget_old_copies()
        except PublicationsWriteFailed:
            raise
        except (PersistenceError, sqlite3.Error, OSError) as error:
            raise PublicationsWriteFailed(f"publications read model: {error}") from error

    _purge_pending = False

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    def _forget_old_copies(self) -> bool:
        """Whether no earlier copy of a rewritten row is left in storage. PostgreSQL
        keeps dead row versions until it vacuums; only SQLite is purged here."""
        return True

    def _apply_one(self, cursor: Any, event: PublicationEvent) -> None:
        cursor.execute(
            self.sql(
                "SELECT seq, status, kind, title, sets FROM {p}cp_publications "
                "WHERE artifact_id = ?"
            ),
            (event.artifact_id,),
        )
        row = cursor.fetchone()
        was_public = row is not None and row["status"] == "public"
        if row is not None and row["seq"] >= event.seq:
            return  # already applied
        if not event.public and not was_public:
            return  # never public: nothing to say, not even a tombstone
        record = dump_record(event.record) if event.public else None
        if not event.public:  # a tombstone keeps kind and sets (for OAI headers), no title
            event = PublicationEvent(
                event.seq,
                event.artifact_id,
                event.datestamp,
                False,
                row["kind"],
                event.version,
                "",
                tuple(json.loads(row["sets"])),
            )
            self._scrub_changes(cursor, event.artifact_id, event.seq)
        status = "public" if event.public else "deleted"
        change = "withdrawn" if not event.public else ("republished" if row else "published")
        cursor.execute(
            self.sql(
                "INSERT INTO {p}cp_publications (artifact_id, seq, datestamp, status, kind, "
                "version, title, sets, record) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (artifact_id) DO UPDATE SET seq = excluded.seq, "
                "datestamp = excluded.datestamp, status = excluded.status, "
                "kind = excluded.kind, version = excluded.version, title = excluded.title, "
                "sets = excluded.sets, record = excluded.record"
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
                record,
            ),
        )
        if row is not None:
            cursor.execute(
                self.sql("DELETE FROM {p}cp_publication_sets WHERE artifact_id = ?"),
                (event.artifact_id,),
            )
        if event.public:
            self._replace_refs(cursor, event.artifact_id, event.refs)
        self._insert_sets(cursor, event.artifact_id, event.sets)
        cursor.execute(
            self.sql(
                "INSERT INTO {p}cp_changes (seq, artifact_id, type, datestamp, version, title) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING"
            ),
            (event.seq, event.artifact_id, change, event.datestamp, event.version, event.title),
        )

    def _insert_sets(self, cursor: Any, artifact_id: str, sets: Sequence[str]) -> None:
        for setspec in sets:
            cursor.execute(
                self.sql(
                    "INSERT INTO {p}cp_publication_sets (setspec, artifact_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING"
                ),
                (setspec, artifact_id),
            )

    def _replace_refs(self, cursor: Any, artifact_id: str, refs: Sequence[str]) -> None:
        cursor.execute(
            self.sql("DELETE FROM {p}cp_publication_refs WHERE artifact_id = ?"), (artifact_id,)
        )
        for ref in dict.fromkeys(refs):
            cursor.execute(
                self.sql("INSERT INTO {p}cp_publication_refs (ref, artifact_id) VALUES (?, ?)"),
                (ref, artifact_id),
            )

    def _relabel(self, cursor: Any, change: Relabel) -> None:
        """Derive again the public rows that show what a catalogue change touched."""
        if not change.refs:
            return
        marks = ", ".join("?" * len(change.refs))
        cursor.execute(
            self.sql(
                "SELECT p.artifact_id, p.kind, p.record FROM {p}cp_publications p "
                "WHERE p.status = 'public' AND p.record IS NOT NULL AND p.artifact_id IN "
                f"(SELECT artifact_id FROM {{p}}cp_publication_refs WHERE ref IN ({marks})) "
                "ORDER BY p.artifact_id"
            ),
            change.refs,
        )
        for row in cursor.fetchall():
            record, sets, refs = change.derive(row["kind"], json.loads(row["record"]))
            cursor.execute(
                self.sql(
                    "UPDATE {p}cp_publications SET record = ?, sets = ? WHERE artifact_id = ?"
                ),
                (dump_record(record), json.dumps(list(sets)), row["artifact_id"]),
            )
            cursor.execute(
                self.sql("DELETE FROM {p}cp_publication_sets WHERE artifact_id = ?"),
                (row["artifact_id"],),
            )
            self._insert_sets(cursor, row["artifact_id"], sets)
            self._replace_refs(cursor, row["artifact_id"], refs)

    def _scrub_changes(self, cursor: Any, artifact_id: str, before_seq: int) -> None:
        """A withdrawal takes the title off every earlier change of the artifact, in storage."""
        cursor.execute(
            self.sql(
                "UPDATE {p}cp_changes SET title = '' WHERE artifact_id = ? AND seq < ? "
                "AND title <> ''"
            ),
            (artifact_id, before_seq),
        )


class SqliteImmediateWrites(PublicationsWrites):
    """SQLite: the batch takes the write lock before its first read."""

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def _forget_old_copies(self) -> bool:
        """Checkpoint the write-ahead log into the file and truncate it; False while a
        reader still needs an older copy (then the next batch tries again)."""
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
        return not busy
