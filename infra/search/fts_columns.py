"""The index's attributes as numpy columns, one slot per rowid, kept current by sequence number.

A reader loads ``attrs`` once and afterwards only the rows whose ``seq`` is newer than
the last it saw. Text values are dictionary-coded (-1 for none); places are one code
per level of the document's place path; terms are bit sets (``uint64`` words), so a
facet count over any set of rows is a handful of ``bincount`` calls.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np
import numpy.typing as npt

from infra.search.bitsets import bits_of, mask_of, widen, words_of
from infra.search.fts_store import SEPARATOR
from infra.search.joint_counts import JointCounts
from infra.search.term_bitmaps import TermBitmaps

CODED = ("kind", "convening", "excursion", "language", "licence")
SELECT = (
    "SELECT rowid, seq, alive, members_only, kind, convening, excursion, language, licence, "
    "year, published_at, lat, lon, places, terms, term_filter FROM attrs WHERE seq > ? "
    "ORDER BY seq"
)
Array = npt.NDArray[Any]
BULK_ROWS = 256  # from this many changed rows on, load column by column
LOAD_ROWS = 50_000  # rows read and set at a time
# BITS[v, b] = 1 if bit b of byte value v is set: turns byte histograms into bit counts.
BITS = ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1).astype(np.int64)


class Codes:
    """Values and their small integer codes."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.code_of: dict[str, int] = {}

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        code = self.code_of.get(value)
        if code is None:
            code = self.code_of[value] = len(self.values)
            self.values.append(value)
        return code


class Columns:
    """Every document's attributes; rowid is the index into each array."""

    def __init__(self) -> None:
        self.seq = 0
        self.size = 0
        self.codes = {name: Codes() for name in (*CODED, "places", "terms")}
        self.place_levels: dict[int, set[int]] = {}  # place code -> levels it was seen at
        self.alive = np.zeros(0, dtype=bool)
        self.seqs = np.zeros(0, dtype=np.int64)  # the batch that last wrote each rowid
        self.members = np.zeros(0, dtype=bool)
        self.coded = {name: np.zeros(0, dtype=np.int32) for name in CODED}
        self.year = np.zeros(0, dtype=np.int32)
        self.published = np.zeros(0, dtype=np.float64)
        self.lat = np.zeros(0, dtype=np.float64)
        self.lon = np.zeros(0, dtype=np.float64)
        self.places = np.zeros((0, 1), dtype=np.int32)
        self.terms = np.zeros((0, 1), dtype=np.uint64)
        self.term_filter = np.zeros((0, 1), dtype=np.uint64)
        # Per term, which rowids have it: counts over large match sets by popcount.
        self.bitmaps = {"terms": TermBitmaps(), "term_filter": TermBitmaps()}
        self.joint = JointCounts()  # kind, convening, year, top place: one histogram

    # -- loading -------------------------------------------------------------

    def refresh(self, conn: sqlite3.Connection) -> list[int]:
        """Bring in rows written since the last refresh; returns their rowids.

        Rows are read ``LOAD_ROWS`` at a time, so the first load of a large index never
        holds every row as Python objects at once: loading a million documents' columns
        peaked at 1,842 MiB in one go and at 333 MiB in chunks (docs/benchmarks.md)."""
        cursor = conn.execute(SELECT, (self.seq,))
        changed: list[int] = []
        last_seq = self.seq
        while rows := cursor.fetchmany(LOAD_ROWS):
            self._grow(max(r[0] for r in rows) + 1)
            if len(rows) >= BULK_ROWS:
                self._set_many(rows)
            else:
                for row in rows:
                    self._set(row)
            changed.extend(r[0] for r in rows)
            last_seq = rows[-1][1]
        if not changed:
            return []
        self.bitmaps["terms"].update(self.terms, changed, len(self.codes["terms"].values))
        self.bitmaps["term_filter"].update(
            self.term_filter, changed, len(self.codes["terms"].values)
        )
        self.joint.update(self.small_columns(), changed)
        self.seq = last_seq  # last: a load that fails part-way is read again whole
        return changed

    def _set_many(self, rows: list[tuple[Any, ...]]) -> None:
        """Many rows at once (the first load): column by column, not cell by cell."""
        latest = {row[0]: row for row in rows}  # a rowid written twice: its last row
        columns = list(zip(*latest.values(), strict=True))
        rowids = np.array(columns[0], dtype=np.int64)
        self.seqs[rowids] = np.array(columns[1], dtype=np.int64)
        self.alive[rowids] = np.array(columns[2], dtype=bool)
        self.members[rowids] = np.array(columns[3], dtype=bool)
        for name, values in zip(CODED, columns[4:9], strict=True):
            code = self.codes[name].code
            self.coded[name][rowids] = np.array([code(v) for v in values], dtype=np.int32)
        self.year[rowids] = np.array([-1 if y is None else y for y in columns[9]], dtype=np.int32)
        self.published[rowids] = np.array([p or 0.0 for p in columns[10]], dtype=np.float64)
        self.lat[rowids] = np.array(columns[11], dtype=np.float64)  # None becomes NaN
        self.lon[rowids] = np.array(columns[12], dtype=np.float64)
        place = self.codes["places"].code
        paths = [[place(p) for p in _split(value)] for value in columns[13]]
        depth = max((len(path) for path in paths), default=0)
        if depth > self.places.shape[1]:
            wider = np.full((self.size, depth), -1, dtype=np.int32)
            wider[:, : self.places.shape[1]] = self.places
            self.places = wider
        matrix = np.full((len(paths), self.places.shape[1]), -1, dtype=np.int32)
        for row, path in enumerate(paths):
            matrix[row, : len(path)] = path
            for level, found in enumerate(path):
                self.place_levels.setdefault(found, set()).add(level)
        self.places[rowids] = matrix
        term = self.codes["terms"].code
        masks = [mask_of(term, value) for value in columns[14]]
        filters = [mask_of(term, value) for value in columns[15]]
        words = (len(self.codes["terms"].values) + 63) // 64
        if words > self.terms.shape[1]:
            self.terms = widen(self.terms, words)
            self.term_filter = widen(self.term_filter, words)
        self.terms[rowids] = words_of(masks, self.terms.shape[1])
        self.term_filter[rowids] = words_of(filters, self.terms.shape[1])

    def _grow(self, needed: int) -> None:
        if needed <= self.size:
            return
        size = max(needed, int(self.size * 1.5) + 1024)

        def grown(array: Array, fill: Any) -> Array:
            shape = (size, *array.shape[1:])
            bigger = np.full(shape, fill, dtype=array.dtype)
            bigger[: len(array)] = array
            return bigger

        self.alive = grown(self.alive, False)
        self.seqs = grown(self.seqs, 0)
        self.members = grown(self.members, False)
        self.coded = {name: grown(a, -1) for name, a in self.coded.items()}
        self.year = grown(self.year, -1)
        self.published = grown(self.published, 0.0)
        self.lat, self.lon = grown(self.lat, np.nan), grown(self.lon, np.nan)
        self.places = grown(self.places, -1)
        self.terms, self.term_filter = grown(self.terms, 0), grown(self.term_filter, 0)
        self.size = size

    def _set(self, row: tuple[Any, ...]) -> None:
        rowid, seq, alive, members, *coded = row[:9]
        self.seqs[rowid] = seq
        year, published, lat, lon, places, terms, term_filter = row[9:]
        self.alive[rowid] = bool(alive)
        self.members[rowid] = bool(members)
        for name, value in zip(CODED, coded, strict=True):
            self.coded[name][rowid] = self.codes[name].code(value)
        self.year[rowid] = -1 if year is None else year
        self.published[rowid] = published or 0.0
        self.lat[rowid] = np.nan if lat is None else lat
        self.lon[rowid] = np.nan if lon is None else lon
        path = [self.codes["places"].code(p) for p in _split(places)]
        if len(path) > self.places.shape[1]:
            wider = np.full((self.size, len(path)), -1, dtype=np.int32)
            wider[:, : self.places.shape[1]] = self.places
            self.places = wider
        self.places[rowid] = -1
        for level, code in enumerate(path):
            self.places[rowid, level] = code
            self.place_levels.setdefault(code, set()).add(level)
        term_codes = [self.codes["terms"].code(t) for t in _split(terms)]
        filter_codes = [self.codes["terms"].code(t) for t in _split(term_filter)]
        words = (len(self.codes["terms"].values) + 63) // 64
        if words > self.terms.shape[1]:
            self.terms = widen(self.terms, words)
            self.term_filter = widen(self.term_filter, words)
        self.terms[rowid] = bits_of(term_codes, self.terms.shape[1])
        self.term_filter[rowid] = bits_of(filter_codes, self.terms.shape[1])

    # -- asking --------------------------------------------------------------

    def code(self, name: str, value: str) -> int:
        """The code of a value, or -1 if no document ever had it."""
        return self.codes[name].code_of.get(value, -1)

    def has_term(self, bits: Array, term: str, rows: Array | None = None) -> Array:
        """Which rowids (or which of ``rows``) have ``term`` in ``bits``."""
        code = self.code("terms", term)
        if code < 0:
            return np.zeros(self.size if rows is None else len(rows), dtype=bool)
        word, bit = divmod(code, 64)
        column = bits[:, word] if rows is None else bits[rows, word]
        found: Array = (column & np.uint64(1 << bit)) != 0
        return found

    def in_place(self, place: str, rows: Array | None = None) -> Array:
        """Which rowids (or which of ``rows``) lie inside ``place``."""
        code = self.code("places", place)
        found = np.zeros(self.size if rows is None else len(rows), dtype=bool)
        for level in self.place_levels.get(code, ()):
            found |= (self.places[:, level] if rows is None else self.places[rows, level]) == code
        return found

    def small_columns(self) -> list[Array]:
        """The columns ``count_small`` counts together: kind, convening, year, top place."""
        return [self.coded["kind"], self.coded["convening"], self.year, self.places[:, 0]]

    def count_small(self, rows: Array) -> list[Array] | None:
        """For ``small_columns``, each one's counts over ``rows`` indexed by value (for
        kind, convening and place, their code; for year, the year), or None when they
        are better counted one by one."""
        found = self.joint.counts(self.small_columns(), rows)
        if found is None:
            return None
        dense = []
        for values, counts in found:
            full = np.zeros(int(values.max()) + 1 if len(values) else 0, dtype=np.int64)
            known = values >= 0
            full[values[known]] = counts[known]
            dense.append(full)
        return dense

    def count_coded(self, name: str, rows: Array) -> dict[str, int]:
        return self.count_codes(self.codes[name], self.coded[name][rows])

    @staticmethod
    def count_codes(codes: Codes, values: Array) -> dict[str, int]:
        return Columns.named(codes, np.bincount(values[values >= 0]))

    @staticmethod
    def named(codes: Codes, counts: Array) -> dict[str, int]:
        """Counts indexed by code as a dictionary of the values counted at least once."""
        return {codes.values[c]: int(counts[c]) for c in np.flatnonzero(counts)}

    def count_places(
        self,
        rows: Array,
        level: int,
        limit: int | None = None,
        keep: tuple[str, ...] = (),
        counted: Array | None = None,
    ) -> dict[str, int]:
        """Place counts at one level of the place paths: the ``limit`` highest (all when
        None) and those of ``keep``. ``counted``: the level's counts by code, if known."""
        if level >= self.places.shape[1]:
            return {}
        size = len(self.codes["places"].values)
        if counted is None:
            column = self.places[rows, level]
            counts = np.bincount(column[column >= 0], minlength=size)
        else:
            counts = np.zeros(size, dtype=np.int64)
            counts[: len(counted)] = counted
        found = np.flatnonzero(counts)
        if limit is not None and len(found) > limit:
            # The top ``limit`` and every value tied with the last (cap() breaks ties by name).
            edge = -np.partition(-counts[found], limit - 1)[limit - 1]
            kept = [c for c in (self.code("places", p) for p in keep) if c >= 0 and counts[c]]
            found = np.union1d(found[counts[found] >= edge], np.array(kept, dtype=np.int64))
        values = self.codes["places"].values
        return {values[c]: int(counts[c]) for c in found}

    def count_terms(self, name: str, rows: Array, packed: Array | None = None) -> dict[str, int]:
        """How many of ``rows`` have each term, in ``terms`` or ``term_filter`` (``name``).
        ``packed``: ``rows`` as a bitmap (``term_bitmaps.pack``), to share between calls."""
        if not len(rows):
            return {}
        values = self.codes["terms"].values
        bits = self.terms if name == "terms" else self.term_filter
        if TermBitmaps.cheaper(len(rows), bits.shape[1], len(values), len(bits)):
            counts = self.bitmaps[name].counts(bits, rows, len(values), packed)
            return {values[c]: int(counts[c]) for c in np.flatnonzero(counts)}
        chosen = np.ascontiguousarray(bits[rows]).view(np.uint8).reshape(len(rows), -1)
        width = chosen.shape[1]
        # One histogram of (byte position, byte value) pairs, then bytes to bits.
        keyed = chosen.astype(np.int32) + (np.arange(width, dtype=np.int32) * 256)
        histogram = np.bincount(keyed.ravel(), minlength=width * 256).reshape(width, 256)
        # Little-endian uint64: byte k of word w holds bits 8k..8k+7 of that word.
        counts = (histogram @ BITS).ravel()
        return {values[c]: int(counts[c]) for c in np.flatnonzero(counts) if c < len(values)}


def _split(value: str | None) -> list[str]:
    return value.split(SEPARATOR) if value else []
