"""One generation file of the embedded index: how documents are written.

Text is stored once, in ``docs``; ``fts`` is an external-content FTS5 table over
it, and each document's hit JSON (everything but the body) sits next to the text.
``attrs`` holds one row of filter and facet attributes per rowid, stamped with the
sequence number of the batch that last changed it; a removed document keeps a
tombstone row (``alive = 0``), so readers can bring in-memory columns up to date
by reading only ``seq > last seen``, and rowids are never reused. ``vocab`` and
``typo_keys`` (a symmetric-delete table) are kept current by every write, so a new
word can be corrected as soon as it is indexed; ``stems`` holds vocabulary words' Snowball
stems (every word's in English, Spanish artifacts' words' in Spanish: see ``stemming``),
kept current the same way, so a new word's other forms find it at once. Everything,
and the eventsourcing tracking record, is written in one transaction per batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from infra.search import fts_stems
from infra.search.text import deletes

FORMAT = "4"  # 4: the stems table
COLUMNS = ("title", "summary", "body", "places", "contributors", "themes")
SEPARATOR = "\x1f"  # between the values of a multi-valued attribute
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, "
    + ", ".join(f"{c} TEXT" for c in COLUMNS)
    + ", hit TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS attrs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, "
    "seq INTEGER NOT NULL, alive INTEGER NOT NULL, members_only INTEGER NOT NULL, kind TEXT, "
    "year INTEGER, convening TEXT, excursion TEXT, language TEXT, licence TEXT, "
    "published_at REAL, lat REAL, lon REAL, places TEXT, terms TEXT, term_filter TEXT)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    + ", ".join(COLUMNS)
    + f", content = 'docs', content_rowid = 'rowid', {TOKENIZE})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, row)",
    # "Is this word indexed?" stops at its first instance; the row table counts them all.
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_instances USING fts5vocab(fts, instance)",
    "CREATE TABLE IF NOT EXISTS vocab (term TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS typo_keys (key TEXT NOT NULL, term TEXT NOT NULL, "
    "PRIMARY KEY (key, term)) WITHOUT ROWID",
    fts_stems.SCHEMA,
]
# Built after a bulk load (a rebuild), at once for the live index.
INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS attrs_id ON attrs (id)",
    "CREATE INDEX IF NOT EXISTS attrs_seq ON attrs (seq)",
]
DOC_INSERT = (
    "INSERT INTO docs (rowid, id, " + ", ".join(COLUMNS) + ", hit) VALUES (?,?,?,?,?,?,?,?,?)"
)
ATTR_INSERT = (
    "INSERT OR REPLACE INTO attrs (rowid, id, seq, alive, members_only, kind, year, convening, "
    "excursion, language, licence, published_at, lat, lon, places, terms, term_filter) "
    "VALUES (?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
FTS_COLUMNS = "rowid, " + ", ".join(COLUMNS)


def joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


# A rebuild's new generation is written without a journal and without syncing: it is
# not live until it is swapped in, and a rebuild that fails discards it. The journal
# (write-ahead log) and syncing are back before the catch-up, the swap and live use.
BULK_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF")
# While a rebuild loads, a level's segments merge once this many pile up (FTS5 numbers
# at most 2,000 segments a table, and a large rebuild flushes far more): not 2,000.
BULK_CRISIS = 64

# A deletion of this id asks the index to leave no earlier copy of any replaced or
# deleted document in storage (the indexer sends it with the documents it derives
# again for an erased person). No document has this id.
PURGE = "purge-replaced-documents"


class FtsStore(SQLiteTrackingRecorder):
    """One generation file: documents, attributes, FTS5, vocabulary and tracking."""

    def __init__(self, path: Path, *, bulk: bool = False) -> None:
        self.path = path
        self.bulk = bulk  # a rebuild's fresh file: indexes and vocabulary come at the end
        self._bulk_ids: dict[str, int] = {}  # while bulk: which id has which rowid
        self._bulk_last = (0, 0)  # while bulk: the last batch's seq and the last rowid
        self._restore: tuple[str, ...] = ()  # while bulk: the settings before BULK_PRAGMAS
        self.purge_pending = False
        super().__init__(SQLiteDatastore(str(path), lock_timeout=10))
        self.create_table()
        if bulk:  # no incremental merging while loading; one 'optimize' at the end instead
            self._restore = self._pragmas(BULK_PRAGMAS)
            with self.datastore.transaction(commit=True) as c:
                c.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', 0)")
                c.execute(f"INSERT INTO fts (fts, rank) VALUES ('crisismerge', {BULK_CRISIS})")
                fts_stems.start_bulk(c)

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements() + SCHEMA
        statements.append(f"INSERT OR IGNORE INTO meta (key, value) VALUES ('format', '{FORMAT}')")
        return statements + ([] if self.bulk else INDEXES)

    def write(
        self,
        upserts: Iterable[dict[str, Any]],
        deletions: Iterable[str],
        tracking: Tracking | None,
    ) -> None:
        documents = {d["id"]: d for d in upserts}
        removed = [i for i in deletions if i not in documents]
        # An erasure: no earlier copy of a document may remain (tried again until done).
        purge = PURGE in removed or self.purge_pending
        with self.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA secure_delete = ON")  # replaced and deleted rows are overwritten
            if self.bulk:  # no index on seq yet, and no other writer: counted here
                seq, last_rowid = self._bulk_last[0] + 1, self._bulk_last[1]
            else:
                c.execute("SELECT coalesce(max(seq), 0) + 1, coalesce(max(rowid), 0) FROM attrs")
                seq, last_rowid = c.fetchone()
            wanted = [*documents, *removed]
            if self.bulk:
                known = {i: self._bulk_ids[i] for i in wanted if i in self._bulk_ids}
            else:
                known = _rowids(c, wanted)
            if known:
                _forget(c, list(known.values()))
            gone = [(seq, known[i]) for i in removed if i in known]
            if gone:
                c.executemany("UPDATE attrs SET alive = 0, seq = ? WHERE rowid = ?", gone)
            rows = []
            for doc in documents.values():
                rowid = known.get(doc["id"])
                if rowid is None:
                    last_rowid += 1
                    rowid = last_rowid
                rows.append((rowid, doc))
                if self.bulk:
                    self._bulk_ids[doc["id"]] = rowid
            _insert(c, rows, seq)
            if self.bulk:
                self._bulk_last = (seq, last_rowid)
                fts_stems.bulk_add(c, documents.values())
            else:
                add_words(c, documents.values())
                fts_stems.add_own_language_stems(c, documents.values())
            if tracking is not None:
                self._insert_tracking(c, tracking)
        if purge:
            self.purge_pending = not self.forget_old_copies()

    def _pragmas(self, settings: tuple[str, ...]) -> tuple[str, ...]:
        """Apply ``name = value`` settings; the settings as they were before."""
        before = []
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            for setting in settings:
                name = setting.split("=")[0].strip()
                cursor.execute(f"PRAGMA {name}")
                before.append(f"{name} = {cursor.fetchone()[0]}")
                cursor.execute(f"PRAGMA {setting}")
                cursor.fetchall()
        return tuple(before)

    def forget_old_copies(self) -> bool:
        """Checkpoint the write-ahead log into the file and truncate it, so that no earlier
        copy of a replaced or deleted document stays in storage; False while a reader
        still needs an older copy (then the next write tries again)."""
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return not cursor.fetchone()[0]

    def finish_bulk(self) -> None:
        """After a bulk load: the indexes, and the vocabulary from FTS5's own."""
        with self.datastore.transaction(commit=True) as c:
            for statement in INDEXES:
                c.execute(statement)
            c.execute("INSERT INTO fts (fts) VALUES ('optimize')")
            c.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', 4)")
            c.execute("INSERT INTO fts (fts, rank) VALUES ('crisismerge', 16)")
            c.execute("INSERT OR IGNORE INTO vocab (term) SELECT term FROM fts_vocab")
            c.execute("SELECT term FROM vocab")
            terms = [row[0] for row in c.fetchall()]
            add_typo_keys(c, terms)
            fts_stems.finish_bulk(c, terms)
        self._pragmas(self._restore)
        self.bulk = False
        self._bulk_ids.clear()

    def close(self) -> None:
        self.datastore.close()


def _rowids(c: SQLiteCursor, ids: list[str]) -> dict[str, int]:
    """Rowids of these ids, removed ones included (a document coming back keeps its rowid)."""
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        c.execute(
            f"SELECT id, rowid FROM attrs WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        found.update(c.fetchall())
    return found


def _forget(c: SQLiteCursor, rowids: list[int]) -> None:
    """Remove documents' text from FTS5 (external content needs the old values) and docs."""
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        c.execute(
            f"INSERT INTO fts (fts, {FTS_COLUMNS}) SELECT 'delete', {FTS_COLUMNS} FROM docs "
            f"WHERE rowid IN ({marks})",
            chunk,
        )
        c.execute(f"DELETE FROM docs WHERE rowid IN ({marks})", chunk)


def _insert(c: SQLiteCursor, rows: list[tuple[int, dict[str, Any]]], seq: int) -> None:
    texts = [
        (
            rowid,
            doc["title"],
            doc["summary"],
            doc["body"],
            " ".join(doc["place_names"]),
            " ".join(doc["contributors"]),
            " ".join(doc["themes"]),
        )
        for rowid, doc in rows
    ]
    c.executemany(
        DOC_INSERT,
        [(t[0], doc["id"], *t[1:], hit_json(doc)) for t, (_, doc) in zip(texts, rows, strict=True)],
    )
    c.executemany(ATTR_INSERT, [attribute_row(rowid, doc, seq) for rowid, doc in rows])
    c.executemany(f"INSERT INTO fts ({FTS_COLUMNS}) VALUES (?,?,?,?,?,?,?)", texts)


def hit_json(doc: dict[str, Any]) -> str:
    """The document as a hit shows it: everything but the body."""
    return orjson.dumps({k: v for k, v in doc.items() if k != "body"}).decode()


def attribute_row(rowid: int, doc: dict[str, Any], seq: int) -> tuple[Any, ...]:
    geo = doc.get("_geo") or {}
    return (
        rowid,
        doc["id"],
        seq,
        int(doc["members_only"]),
        doc["kind"],
        doc.get("year"),
        doc.get("convening"),
        doc.get("excursion"),
        doc["language"],
        doc["licence"],
        doc["published_at"],
        geo.get("lat"),
        geo.get("lng"),
        joined(doc["place_path"]),
        joined(doc["terms"]),
        joined(doc["term_filter"]),
    )


def add_words(c: SQLiteCursor, documents: Iterable[dict[str, Any]]) -> None:
    """New words into the vocabulary and the typo table, as they are indexed."""
    found: set[str] = set()
    for doc in documents:
        found |= fts_stems.document_words(doc)
    if not found:
        return
    candidates = sorted(found)
    known: set[str] = set()
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        c.execute(f"SELECT term FROM vocab WHERE term IN ({','.join('?' * len(chunk))})", chunk)
        known.update(row[0] for row in c.fetchall())
    new = [w for w in candidates if w not in known]
    c.executemany("INSERT OR IGNORE INTO vocab (term) VALUES (?)", [(w,) for w in new])
    add_typo_keys(c, new)
    fts_stems.add_stems(c, new)


def add_typo_keys(c: SQLiteCursor, terms: list[str]) -> None:
    c.executemany(
        "INSERT OR IGNORE INTO typo_keys (key, term) VALUES (?, ?)",
        [(key, term) for term in terms if len(term) >= 4 for key in deletes(term) | {term}],
    )
