"""The previous design of the SQLite FTS5 adapter (commit 885e2a6), kept only as the
reference the redesigned adapter is compared with (tests/integration/test_search_equivalence.py).

The embedded search backend: SQLite FTS5 in the data directory.

Each generation of the index is one SQLite file holding the documents, their
facet values, an FTS5 table and the eventsourcing tracking table, so a batch
of documents and its tracking record are written in one transaction. A
rebuild fills a new file and swaps it in by atomically replacing the
``CURRENT`` pointer file; readers notice the new pointer on their next query.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from domain.ports.search import Hit, InvalidQuery, Rebuild, SearchIndex, SearchQuery, SearchResult
from infra.search.fts_match import MAX_FORMS
from infra.search.fts_stems import document_words
from infra.search.stemming import EVERY_WORD, MIN_LENGTH, languages_for, stem_rows, stems
from infra.search.text import ParsedQuery, TypoIndex, parse

MARK_START, MARK_END = "\x02", "\x03"
COLUMNS = ("title", "summary", "body", "places", "contributors", "themes")
WEIGHTS = "10.0, 4.0, 1.0, 3.0, 2.0, 3.0"
TYPO_REFRESH_SECONDS = 30.0

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
    "kind TEXT, language TEXT, licence TEXT, members_only INTEGER, convening TEXT, "
    "excursion TEXT, year INTEGER, published_at REAL, lat REAL, lon REAL, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS doc_facets (rowid INTEGER NOT NULL, facet TEXT NOT NULL, "
    "value TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    + ", ".join(COLUMNS)
    + ", tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, row)",
]
INDEXES = [
    "CREATE INDEX IF NOT EXISTS facet_value ON doc_facets (facet, value, rowid)",
    "CREATE INDEX IF NOT EXISTS facet_rowid ON doc_facets (rowid)",
    "CREATE INDEX IF NOT EXISTS docs_published ON docs (published_at)",
    "CREATE INDEX IF NOT EXISTS docs_geo ON docs (lat, lon)",
]


def km(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    """Great-circle distance in kilometres (haversine)."""
    if lat1 is None or lon1 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


class FtsView(SQLiteTrackingRecorder):
    """One generation file: documents, facets, FTS5 and tracking, written together."""

    def __init__(self, path: Path, *, with_indexes: bool = True) -> None:
        self.path = path
        self.with_indexes = with_indexes
        super().__init__(SQLiteDatastore(str(path), lock_timeout=10))
        self.create_table()

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements() + SCHEMA
        return statements + (INDEXES if self.with_indexes else [])

    def write(
        self,
        upserts: Iterable[dict[str, Any]],
        deletions: Iterable[str],
        tracking: Tracking | None,
    ) -> None:
        documents = list(upserts)
        with self.datastore.transaction(commit=True) as c:
            _remove(c, [d["id"] for d in documents] + list(deletions))
            _insert(c, documents)
            if tracking is not None:
                self._insert_tracking(c, tracking)

    def add_indexes(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for statement in INDEXES:
                c.execute(statement)

    def close(self) -> None:
        self.datastore.close()


def _remove(c: SQLiteCursor, ids: list[str]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        c.execute(f"SELECT rowid FROM docs WHERE id IN ({marks})", chunk)
        rowids = [(row[0],) for row in c.fetchall()]
        if rowids:
            c.executemany("DELETE FROM fts WHERE rowid = ?", rowids)
            c.executemany("DELETE FROM doc_facets WHERE rowid = ?", rowids)
            c.executemany("DELETE FROM docs WHERE rowid = ?", rowids)


def _insert(c: SQLiteCursor, documents: list[dict[str, Any]]) -> None:
    for doc in documents:
        geo = doc.get("_geo") or {}
        c.execute(
            "INSERT INTO docs (id, kind, language, licence, members_only, convening, excursion, "
            "year, published_at, lat, lon, doc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc["id"],
                doc["kind"],
                doc["language"],
                doc["licence"],
                int(doc["members_only"]),
                doc.get("convening"),
                doc.get("excursion"),
                doc.get("year"),
                doc["published_at"],
                geo.get("lat"),
                geo.get("lng"),
                json.dumps(doc, ensure_ascii=False),
            ),
        )
        rowid = c.lastrowid
        c.executemany(
            "INSERT INTO doc_facets (rowid, facet, value) VALUES (?,?,?)",
            [(rowid, facet, value) for facet, value in facet_rows(doc)],
        )
        c.execute(
            "INSERT INTO fts (rowid, title, summary, body, places, contributors, themes) "
            "VALUES (?,?,?,?,?,?,?)",
            (
                rowid,
                doc["title"],
                doc["summary"],
                doc["body"],
                " ".join(doc["place_names"]),
                " ".join(doc["contributors"]),
                " ".join(doc["themes"]),
            ),
        )


def facet_rows(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for term in doc["terms"]:
        yield "terms", term
    for term in doc["term_filter"]:
        yield "filter_term", term
    for place in doc["place_path"]:
        yield "places", place
    yield "kind", doc["kind"]
    if doc.get("year") is not None:
        yield "year", str(doc["year"])
    if doc.get("convening"):
        yield "convening", doc["convening"]
    yield "language", doc["language"]  # added with the new design's language facet


class Generations:
    """The generation files of one index directory and the CURRENT pointer."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pointer = directory / "CURRENT"
        directory.mkdir(parents=True, exist_ok=True)

    def current_name(self) -> str:
        try:
            return self.pointer.read_text().strip()
        except FileNotFoundError:
            self.point_to("gen-1.sqlite3")
            return "gen-1.sqlite3"

    def next_name(self) -> str:
        numbers = [int(p.stem.split("-")[1]) for p in self.directory.glob("gen-*.sqlite3")]
        return f"gen-{max(numbers, default=0) + 1}.sqlite3"

    def point_to(self, name: str) -> None:
        temporary = self.directory / f".CURRENT.{os.getpid()}"
        temporary.write_text(name)
        os.replace(temporary, self.pointer)

    def remove_all_but(self, name: str) -> None:
        for path in self.directory.glob("gen-*.sqlite3*"):
            if not path.name.startswith(name):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


class SqliteFtsIndex(SearchIndex):
    """Search over SQLite FTS5 files in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.generations = Generations(directory)
        self._lock = threading.Lock()
        self._views: dict[str, FtsView] = {}
        self._local = threading.local()
        self._typos: tuple[str, float, TypoIndex] | None = None
        self._stems: tuple[str, dict[tuple[str, str], list[str]]] | None = None

    # -- writing -------------------------------------------------------------

    def _view(self) -> FtsView:
        name = self.generations.current_name()
        with self._lock:
            view = self._views.get(name)
            if view is None:
                view = self._views[name] = FtsView(self.generations.directory / name)
            return view

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self._view().write(upserts, deletions, tracking)

    def position(self, application_name: str) -> int:
        return self._view().max_tracking_id(application_name) or 0

    def start_rebuild(self) -> Rebuild:
        return FtsRebuild(self)

    def close(self) -> None:
        with self._lock:
            for view in self._views.values():
                view.close()
            self._views.clear()

    # -- reading -------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        name = self.generations.current_name()
        cached: tuple[str, sqlite3.Connection] | None = getattr(self._local, "reader", None)
        if cached and cached[0] == name:
            return cached[1]
        self._view()  # make sure the file and its tables exist
        conn = sqlite3.connect(self.generations.directory / name, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        conn.create_function("km", 4, km, deterministic=True)
        self._local.reader = (name, conn)
        return conn

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self._reader().execute("SELECT doc FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def all_ids(self) -> set[str]:
        return {row[0] for row in self._reader().execute("SELECT id FROM docs")}

    def search(self, query: SearchQuery) -> SearchResult:
        conn = self._reader()
        where, params = _filters(query)
        match = self._match_expression(conn, parse(query.q), languages_for(query.lang))
        if match:
            source = "FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? AND " + where
            params = [match, *params]
        else:
            source = "FROM docs d WHERE " + where
        try:
            total = conn.execute(f"SELECT count(*) {source}", params).fetchone()[0]
            hits = self._hits(conn, query, source, params, bool(match))
            facets = self._facets(conn, source, params) if query.facets else {}
        except sqlite3.OperationalError as error:
            raise InvalidQuery(f"The search could not be run: {error}") from error
        return SearchResult(total=total, hits=hits, facets=facets)

    def _hits(
        self,
        conn: sqlite3.Connection,
        query: SearchQuery,
        source: str,
        params: list[Any],
        matched: bool,
    ) -> list[Hit]:
        columns = "d.id, d.doc"
        extra: list[Any] = []
        if matched:
            # The body's best passage, else the summary's, else the title.
            columns += "".join(
                f", snippet(fts, {column}, '{MARK_START}', '{MARK_END}', '…', 24)"
                for column in (2, 1, 0)
            )
        else:
            columns += ", NULL, NULL, NULL"
        if query.near:
            columns += ", km(d.lat, d.lon, ?, ?) AS distance"
            extra += list(query.near)
        else:
            columns += ", NULL AS distance"
        order = _order(query, matched)
        sql = f"SELECT {columns} {source} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = conn.execute(sql, [*extra, *params, query.per_page, query.offset]).fetchall()
        return [_hit(row) for row in rows]

    def _facets(
        self, conn: sqlite3.Connection, source: str, params: list[Any]
    ) -> dict[str, dict[str, int]]:
        sql = (
            "SELECT facet, value, count(*) FROM doc_facets "
            f"WHERE rowid IN (SELECT d.rowid {source}) GROUP BY facet, value"
        )
        facets: dict[str, dict[str, int]] = {}
        for facet, value, count in conn.execute(sql, params):
            name = "term_filter" if facet == "filter_term" else facet
            facets.setdefault(name, {})[value] = count
        return facets

    # -- words and typos -----------------------------------------------------

    # Stems were added after this design (issue 13); the reference finds a word's other
    # forms from its own vocabulary, so both designs look for the same words.
    def _match_expression(
        self, conn: sqlite3.Connection, parsed: ParsedQuery, languages: tuple[str, ...]
    ) -> str | None:
        if parsed.empty:
            return None
        parts = []
        for position, word in enumerate(parsed.words):
            is_last = position == len(parsed.words) - 1
            parts.append(
                self._word_expression(
                    conn, word, prefix=is_last and parsed.last_is_prefix, languages=languages
                )
            )
        parts.extend(_quote(" ".join(phrase)) for phrase in parsed.phrases)
        expression = " AND ".join(parts)
        if parsed.excluded:
            expression = f"({expression}) NOT ({' OR '.join(_quote(w) for w in parsed.excluded)})"
        return expression

    def _word_expression(
        self, conn: sqlite3.Connection, word: str, *, prefix: bool, languages: tuple[str, ...]
    ) -> str:
        options = [_quote(word) + ("*" if prefix and len(word) >= 2 else "")]
        found = self._forms(conn, word, languages)
        if not _in_vocabulary(conn, word):
            for correction in self._typo_index(conn).corrections(word):
                found += [correction, *self._forms(conn, correction, languages)]
        options += [_quote(t) for t in dict.fromkeys(found) if t != word]
        return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"

    def _forms(self, conn: sqlite3.Connection, word: str, languages: tuple[str, ...]) -> list[str]:
        if len(word) < MIN_LENGTH:
            return []
        name = self.generations.current_name()
        if self._stems is None or self._stems[0] != name:
            table: dict[tuple[str, str], list[str]] = {}
            terms = sorted(row[0] for row in conn.execute("SELECT term FROM fts_vocab"))
            rows = stem_rows(terms, (EVERY_WORD,))
            spanish = set()
            sql = "SELECT doc FROM docs WHERE language = 'es' OR language LIKE 'es-%'"
            for (raw,) in conn.execute(sql):
                spanish |= document_words(json.loads(raw))
            rows += stem_rows(sorted(spanish), ("es",))
            for lang, stem, term in rows:
                table.setdefault((lang, stem), []).append(term)
            for words in table.values():
                words.sort()
            self._stems = (name, table)
        found: dict[str, None] = {}
        for lang in languages:
            [stem] = stems(lang, [word])
            found.update((t, None) for t in self._stems[1].get((lang, stem), [])[:MAX_FORMS])
        found.pop(word, None)
        return list(found)

    def _typo_index(self, conn: sqlite3.Connection) -> TypoIndex:
        name = self.generations.current_name()
        now = time.monotonic()
        if self._typos and self._typos[0] == name and now - self._typos[1] < TYPO_REFRESH_SECONDS:
            return self._typos[2]
        vocabulary = dict(conn.execute("SELECT term, doc FROM fts_vocab").fetchall())
        index = TypoIndex(vocabulary)
        self._typos = (name, now, index)
        return index


class FtsRebuild(Rebuild):
    def __init__(self, index: SqliteFtsIndex) -> None:
        self.index = index
        self.name = index.generations.next_name()
        self.view = FtsView(index.generations.directory / self.name, with_indexes=False)

    def write(self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]) -> None:
        self.view.write(upserts, deletions, None)

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self.view.write(upserts, deletions, tracking)

    def swap(self, tracking: Tracking) -> None:
        self.view.add_indexes()
        if (self.view.max_tracking_id(tracking.application_name) or 0) < tracking.notification_id:
            self.view.insert_tracking(tracking)
        self.view.close()
        self.index.generations.point_to(self.name)
        self.index.generations.remove_all_but(self.name)

    def discard(self) -> None:
        self.view.close()
        for path in self.index.generations.directory.glob(f"{self.name}*"):
            path.unlink()


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _in_vocabulary(conn: sqlite3.Connection, word: str) -> bool:
    return conn.execute("SELECT 1 FROM fts_vocab WHERE term = ?", (word,)).fetchone() is not None


def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    if not query.include_members:
        conditions.append("d.members_only = 0")
    for facet, values in (("filter_term", query.terms), ("places", query.places)):
        for value in values:
            conditions.append(
                "d.rowid IN (SELECT rowid FROM doc_facets WHERE facet = ? AND value = ?)"
            )
            params += [facet, value]
    if query.kinds:
        conditions.append(f"d.kind IN ({','.join('?' * len(query.kinds))})")
        params += list(query.kinds)
    for column in ("convening", "excursion", "language", "licence"):
        value = getattr(query, column)
        if value is not None:
            conditions.append(f"d.{column} = ?")
            params.append(value)
    if query.year_from is not None:
        conditions.append("d.year >= ?")
        params.append(query.year_from)
    if query.year_to is not None:
        conditions.append("d.year <= ?")
        params.append(query.year_to)
    if query.near and query.radius_km is not None:
        conditions.append(_within_radius(query.near, query.radius_km, params))
    return (" AND ".join(conditions) or "1"), params


def _within_radius(near: tuple[float, float], radius_km: float, params: list[Any]) -> str:
    lat, lon = near
    dlat = radius_km / 111.0
    dlon = radius_km / max(1e-6, 111.0 * math.cos(math.radians(lat)))
    params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon, lat, lon, radius_km]
    return "d.lat BETWEEN ? AND ? AND d.lon BETWEEN ? AND ? AND km(d.lat, d.lon, ?, ?) <= ?"


def _order(query: SearchQuery, matched: bool) -> str:
    if query.sort == "distance" and query.near:
        return "distance IS NULL, distance, d.published_at DESC"
    if query.sort == "relevance" and matched:
        return f"bm25(fts, {WEIGHTS}), d.published_at DESC"
    return "d.published_at DESC, d.id"


def _hit(row: tuple[Any, ...]) -> Hit:
    doc_id, raw, *snippets, distance = row
    document = json.loads(raw)
    marked_snippets = [s for s in snippets if s and MARK_START in s]
    text = (marked_snippets or [document.get("summary") or document.get("body", "")[:200]])[0]
    marked = html.escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return Hit(id=doc_id, document=document, snippet=marked, distance_km=distance)
