"""One search over a generation: filters as masks, top-k by partial sort, facets by
bincount, and snippets and JSON for the returned page only."""

from __future__ import annotations

import html
import math
import sqlite3
from typing import Any

import numpy as np
import orjson

from domain.ports.search import Hit, SearchQuery
from infra.search.facet_caps import cap
from infra.search.fts_columns import Array, Columns
from infra.search.fts_language import ahead, other_language
from infra.search.fts_store import COLUMNS, TOKENIZE
from infra.search.term_bitmaps import pack

MARK_START, MARK_END = "\x02", "\x03"


def km(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    """Great-circle distance in kilometres (haversine)."""
    if lat1 is None or lon1 is None:
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def distances(columns: Columns, rows: Array, near: tuple[float, float]) -> Array:
    """``km`` over many rows (NaN where a document has no coordinates)."""
    lat, lon = columns.lat[rows], columns.lon[rows]
    p1, p2 = np.radians(lat), math.radians(near[0])
    dp, dl = p2 - p1, np.radians(near[1] - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    km: Array = 6371.0088 * 2 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return km


def mask(columns: Columns, query: SearchQuery, rows: Array | None = None) -> Array:
    """Which rowids pass the query's filters (alive and visible to the reader); with
    ``rows``, which of those rowids pass (only they are looked at)."""

    def col(array: Array) -> Array:
        return array if rows is None else array[rows]

    passing = col(columns.alive).copy()
    if not query.include_members:
        passing &= ~col(columns.members)
    for term in query.terms:
        passing &= columns.has_term(columns.term_filter, term, rows)
    for place in query.places:
        passing &= columns.in_place(place, rows)
    if query.kinds:  # any of: a comparison per kind (np.isin sorts a million codes)
        kind, kinds = col(columns.coded["kind"]), np.zeros(len(passing), dtype=bool)
        for code in {columns.code("kind", k) for k in query.kinds} - {-1}:
            kinds |= kind == code
        passing &= kinds
    for name in ("convening", "excursion", "language", "licence"):
        value = getattr(query, name)
        if value is not None:
            code = columns.code(name, value)
            passing &= col(columns.coded[name]) == code if code >= 0 else False
    if query.year_from is not None:
        passing &= col(columns.year) >= query.year_from
    if query.year_to is not None:
        year = col(columns.year)
        passing &= (year <= query.year_to) & (year >= 0)
    if query.near and query.radius_km is not None:
        passing &= _within(columns, query.near, query.radius_km, passing, rows)
    return passing


def _within(
    columns: Columns,
    near: tuple[float, float],
    radius: float,
    passing: Array,
    rows: Array | None,
) -> Array:
    lat, lon = near
    dlat = radius / 111.0
    dlon = radius / max(1e-6, 111.0 * math.cos(math.radians(lat)))
    lats = columns.lat if rows is None else columns.lat[rows]
    lons = columns.lon if rows is None else columns.lon[rows]
    box = (
        passing
        & (lats >= lat - dlat)
        & (lats <= lat + dlat)
        & (lons >= lon - dlon)
        & (lons <= lon + dlon)
    )
    positions = np.flatnonzero(box)
    inside = np.zeros(len(passing), dtype=bool)
    found = distances(columns, positions if rows is None else rows[positions], near)
    inside[positions] = found <= radius
    for position in positions[np.abs(found - radius) < 1e-6]:  # on the edge: as km() does
        row = position if rows is None else rows[position]
        inside[position] = (km(columns.lat[row], columns.lon[row], lat, lon) or 0.0) <= radius
    return inside


def ordered(
    conn: sqlite3.Connection,
    columns: Columns,
    query: SearchQuery,
    rows: Array,
    scores: Array | None,
    count: int,
) -> Array:
    """The first ``count`` of ``rows`` in the query's order (newest first within ties).

    Only the primary key is computed for every row; the others only for the rows the
    partial sort keeps.
    """
    if count <= 0 or not len(rows):
        return rows[:0]
    other = other_language(columns, query, rows)  # sorted by relevance: its language first
    by_time = False
    if query.sort == "distance" and query.near:
        found = distances(columns, rows, query.near)
        primary = np.where(np.isnan(found), np.inf, found)
    elif query.sort == "relevance" and scores is not None:
        primary = scores
    else:
        primary, by_time = -columns.published[rows], True
    primary = ahead(primary, other)
    chosen = _smallest(primary, count)
    picked, keys = rows[chosen], primary[chosen]
    if by_time:
        in_order = np.lexsort([picked, keys])
        groups = None if other is None else other[chosen][in_order]
        return _ties_by_id(conn, columns, picked[in_order], groups)[:count]
    return picked[np.lexsort([picked, -columns.published[picked], keys])][:count]


def _smallest(primary: Array, wanted: int) -> Array:
    """Positions of the ``wanted`` smallest of ``primary``, with every tie at the edge."""
    if len(primary) <= wanted:
        return np.arange(len(primary))
    edge = np.partition(primary, wanted - 1)[wanted - 1]
    return np.flatnonzero(primary <= edge)


def _ties_by_id(
    conn: sqlite3.Connection, columns: Columns, ordered: Array, groups: Array | None = None
) -> Array:
    """Newest first and, for equal times, by id (as ``ORDER BY published_at DESC, id``),
    within each of ``groups`` (the query's language first) when given."""
    published = columns.published[ordered]
    if len(np.unique(published)) == len(published):
        return ordered
    marks = ",".join("?" * len(ordered))
    ids = dict(conn.execute(f"SELECT rowid, id FROM attrs WHERE rowid IN ({marks})",
                            [int(r) for r in ordered]).fetchall())  # fmt: skip
    first = groups.tolist() if groups is not None else [0] * len(ordered)
    pairs = sorted(zip(first, ordered.tolist(), strict=True),
                   key=lambda p: (p[0], -columns.published[p[1]], ids[p[1]]))  # fmt: skip
    keyed = [rowid for _, rowid in pairs]
    return np.array(keyed, dtype=np.int64)


JOINT_FROM = 4096  # from this many rows on, count kind, convening, year and place together


def facets(columns: Columns, rows: Array, query: SearchQuery) -> dict[str, dict[str, int]]:
    small = columns.count_small(rows) if len(rows) >= JOINT_FROM else None
    packed = pack(rows, columns.size) if len(rows) >= JOINT_FROM else None
    found: dict[str, dict[str, int]] = {
        "terms": columns.count_terms("terms", rows, packed),
        "term_filter": columns.count_terms("term_filter", rows, packed),
    }
    if small is not None:
        kinds, convenings, years, top_places = small
        found["kind"] = columns.named(columns.codes["kind"], kinds)
        found["convening"] = columns.named(columns.codes["convening"], convenings)
        found["year"] = {str(y): int(years[y]) for y in np.flatnonzero(years)}
    else:
        top_places = None
        found["kind"] = columns.count_coded("kind", rows)
        found["convening"] = columns.count_coded("convening", rows)
        found["year"] = _years(columns, rows)
    found["language"] = columns.count_coded("language", rows)
    depth, limit = columns.places.shape[1], None
    if query.facet_limit is not None:
        # Only the levels a capped answer shows: down to the deepest selection's children.
        chosen = [columns.place_levels.get(columns.code("places", p), set()) for p in query.places]
        depth = min(depth, max((max(s) for s in chosen if s), default=-1) + 2)
        limit = None if query.facet_more == "places" else query.facet_limit
    levels = [
        columns.count_places(rows, n, limit, query.places, top_places if n == 0 else None)
        for n in range(depth)
    ]
    found["places"] = {k: v for counts in levels for k, v in counts.items()}  # cap() uses levels
    capped = cap({k: v for k, v in found.items() if v}, levels, query)
    return {k: v for k, v in capped.items() if v}


def _years(columns: Columns, rows: Array) -> dict[str, int]:
    years = columns.year[rows]
    years = years[years >= 0]
    if not len(years):
        return {}
    low = int(years.min())
    counts = np.bincount(years - low)
    return {str(low + i): int(counts[i]) for i in np.flatnonzero(counts)}


PAGE_SCHEMA = [
    "CREATE TABLE page_docs (rowid INTEGER PRIMARY KEY, " + ", ".join(COLUMNS) + ")",
    "CREATE VIRTUAL TABLE page USING fts5("
    + ", ".join(COLUMNS)
    + f", content = 'page_docs', content_rowid = 'rowid', {TOKENIZE})",
]


def page_connection() -> sqlite3.Connection:
    """An in-memory FTS5 table for one page's documents at a time (see ``hits``)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    for statement in PAGE_SCHEMA:
        conn.execute(statement)
    return conn


class StaleSnapshot(Exception):
    """The page names documents written after this search's read transaction began.

    The columns are shared by every search of a process and another search may have
    brought them past this one's snapshot; the search then starts again on a new one.
    """


def hits(
    conn: sqlite3.Connection,
    scratch: sqlite3.Connection,
    page: list[int],
    expression: str | None,
    near: Any,
) -> list[Hit]:
    """Snippets and documents for the page's rowids only.

    A snippet depends only on its document and the expression, so the page's documents
    are indexed on their own in ``scratch`` and the snippets made there: FTS5 would
    otherwise evaluate the whole expression again for every rowid it is asked about
    (for a prefix, merging every matching word's list each time).
    """
    if not page:
        return []
    marks = ",".join("?" * len(page))
    rows = {
        r[0]: r[1:]
        for r in conn.execute(
            f"SELECT rowid, d.id, d.hit, a.lat, a.lon, {', '.join('d.' + c for c in COLUMNS)} "
            f"FROM docs d JOIN attrs a USING (rowid) WHERE rowid IN ({marks})",
            page,
        )
    }
    missing = [rowid for rowid in page if rowid not in rows]
    if missing:
        raise StaleSnapshot(missing)
    snippets = _snippets(scratch, rows, expression) if expression else {}
    found = []
    for rowid in page:
        doc_id, raw, lat, lon, *texts = rows[rowid]
        document = orjson.loads(raw)
        marked = [s for s in snippets.get(rowid, ()) if s and MARK_START in s]
        text = marked[0] if marked else (document.get("summary") or (texts[2] or "")[:200])
        snippet = html.escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        distance = km(lat, lon, *near) if near else None
        found.append(Hit(id=doc_id, document=document, snippet=snippet, distance_km=distance))
    return found


def _snippets(
    scratch: sqlite3.Connection, rows: dict[int, tuple[Any, ...]], expression: str
) -> dict[int, tuple[str, ...]]:
    columns = ", ".join(
        f"snippet(page, {c}, '{MARK_START}', '{MARK_END}', '…', 24)" for c in (2, 1, 0)
    )
    scratch.execute("BEGIN")
    try:
        scratch.executemany(
            f"INSERT INTO page_docs VALUES (?{',?' * len(COLUMNS)})",
            [(rowid, *row[4:]) for rowid, row in rows.items()],
        )
        scratch.execute("INSERT INTO page (page) VALUES ('rebuild')")
        sql = f"SELECT rowid, {columns} FROM page WHERE page MATCH ?"
        return {r[0]: r[1:] for r in scratch.execute(sql, [expression])}
    finally:
        scratch.execute("INSERT INTO page (page) VALUES ('delete-all')")
        scratch.execute("DELETE FROM page_docs")
        scratch.execute("COMMIT")
