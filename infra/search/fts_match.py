"""Words to an FTS5 MATCH expression, and each expression's matches fetched once.

Typo corrections come from the persisted vocabulary and symmetric-delete table that
every write keeps current (no periodic rebuild of a typo index). The rowids and bm25
scores of an expression are cached: a later search with the same words needs no
FTS5 work beyond its page's snippets. When documents change, a cached entry is
patched by re-running the expression on the changed rowids only; bm25's collection
statistics (row count, average lengths) of the unchanged rows are then those of the
time the entry was made, until it is refreshed (see ``MatchCache.max_patched``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from infra.search.fts_columns import Array
from infra.search.stemming import MIN_LENGTH, STEMMERS, stems
from infra.search.text import ParsedQuery, allowed_typos, deletes, typo_distance

WEIGHTS = "10.0, 4.0, 1.0, 3.0, 2.0, 3.0"


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


FREQUENCY_SECONDS = 30.0  # how long a word's document count is reused for ranking corrections
_frequencies: dict[tuple[str, str], tuple[float, int | None]] = {}


def in_vocabulary(conn: sqlite3.Connection, word: str) -> bool:
    sql = "SELECT 1 FROM fts_instances WHERE term = ? LIMIT 1"
    return conn.execute(sql, (word,)).fetchone() is not None


def frequency(conn: sqlite3.Connection, database: str, term: str) -> int | None:
    """How many documents have ``term`` (None: none now), remembered for a short while."""
    now = time.monotonic()
    known = _frequencies.get((database, term))
    if known is not None and now - known[0] < FREQUENCY_SECONDS:
        return known[1]
    row = conn.execute("SELECT doc FROM fts_vocab WHERE term = ?", (term,)).fetchone()
    found = int(row[0]) if row else None
    if len(_frequencies) > 100_000:
        _frequencies.clear()
    _frequencies[(database, term)] = (now, found)
    return found


def corrections(
    conn: sqlite3.Connection, word: str, limit: int = 4, database: str = ""
) -> list[str]:
    """Indexed words within the typo budget of ``word``, closest and most frequent first.

    The candidates come from ``typo_keys``, current with every write; their document
    counts (which only order candidates of equal distance) may be up to
    ``FREQUENCY_SECONDS`` old, as the previous design's rebuilt typo index could be.
    """
    budget = allowed_typos(word)
    if not budget:
        return []
    keys = sorted(deletes(word) | {word})
    marks = ",".join("?" * len(keys))
    found = {
        row[0]
        for row in conn.execute(f"SELECT term FROM typo_keys WHERE key IN ({marks})", keys)
        if row[0] != word
    }
    scored = []
    for term in found:
        distance = typo_distance(word, term)
        if distance > budget:
            continue
        count = frequency(conn, database, term) if in_vocabulary(conn, term) else None
        if count is not None:  # still in the index
            scored.append((distance, -count, term))
    return [t for _, _, t in sorted(scored)][:limit]


MAX_FORMS = 16  # indexed words sharing a stem, per word and language


def other_forms(conn: sqlite3.Connection, word: str, languages: tuple[str, ...]) -> list[str]:
    """Indexed words with the same Snowball stem as ``word`` in any of ``languages``."""
    if len(word) < MIN_LENGTH:
        return []
    found: dict[str, None] = {}
    for lang in languages:
        [stem] = stems(lang, [word])
        sql = "SELECT term FROM stems WHERE lang = ? AND stem = ? LIMIT ?"
        found.update((row[0], None) for row in conn.execute(sql, (lang, stem, MAX_FORMS)))
    found.pop(word, None)
    return list(found)


def match_expression(
    conn: sqlite3.Connection,
    parsed: ParsedQuery,
    database: str = "",
    languages: tuple[str, ...] = tuple(STEMMERS),
) -> str | None:
    """Every word (or one of its other forms, or a correction and its forms) and phrase.

    A word's other forms are those of its stem in ``languages`` (see ``stemming``); a
    word not indexed as typed is also looked for as its closest indexed spellings.
    """
    if parsed.empty:
        return None
    parts = []
    for position, word in enumerate(parsed.words):
        prefix = position == len(parsed.words) - 1 and parsed.last_is_prefix
        options = [quote(word) + ("*" if prefix and len(word) >= 2 else "")]
        found = other_forms(conn, word, languages)
        if not in_vocabulary(conn, word):
            for correction in corrections(conn, word, database=database):
                found += [correction, *other_forms(conn, correction, languages)]
        options += [quote(t) for t in dict.fromkeys(found) if t != word]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    parts.extend(quote(" ".join(phrase)) for phrase in parsed.phrases)
    expression = " AND ".join(parts)
    if parsed.excluded:
        expression = f"({expression}) NOT ({' OR '.join(quote(w) for w in parsed.excluded)})"
    return expression


@dataclass
class Matches:
    """An expression's matching rowids (ascending) and their bm25 scores (lower is better)."""

    rowids: Array
    scores: Array
    seq: int  # the attribute sequence number these matches are current to
    made: float
    patched: int = 0


def run(conn: sqlite3.Connection, expression: str, rowids: list[int] | None = None) -> Matches:
    sql = f"SELECT rowid, bm25(fts, {WEIGHTS}) FROM fts WHERE fts MATCH ?"
    params: list[object] = [expression]
    if rowids is not None:
        sql += f" AND rowid IN ({','.join('?' * len(rowids))})"
        params += rowids
    found = conn.execute(sql + " ORDER BY rowid", params).fetchall()
    array = np.array(found, dtype=np.float64).reshape(-1, 2)
    return Matches(array[:, 0].astype(np.int64), array[:, 1].copy(), 0, time.monotonic())


# Cached rowids allowed per indexed document (16 bytes each: 704 bytes a document). A
# common word matches most documents, so the budget has to grow with the index: a
# fixed one that held the common expressions at 100,000 documents held about five at
# 1,000,000, and searches there evicted each other (docs/benchmarks.md, search at scale).
# 40 until words' other forms (stems) joined their expressions, which match about 8%
# more rows on the benchmark's mix (docs/benchmarks.md, search in two languages).
ROWS_PER_DOCUMENT = 44


class MatchCache:
    """The matches of recent expressions, least recently used dropped first.

    The cache holds at most ``max(max_rows, ROWS_PER_DOCUMENT * documents)`` rowids.
    """

    def __init__(self, max_rows: int = 4_000_000, max_patched: int = 2000, max_age: float = 60.0):
        self.entries: OrderedDict[str, Matches] = OrderedDict()
        self.max_rows = max_rows  # the least total of cached rowids (16 bytes each)
        self.max_patched = max_patched  # changed rows patched in before a full re-run
        self.max_age = max_age  # seconds an entry may be patched rather than re-run
        self.lock = threading.Lock()

    def get(self, conn: sqlite3.Connection, expression: str, seq: int, changed: Array) -> Matches:
        """Matches current to ``seq``; ``changed`` holds the seq of each rowid's last write."""
        with self.lock:
            entry = self.entries.get(expression)
            if entry is not None:
                self.entries.move_to_end(expression)
        if entry is not None and entry.seq < seq:
            entry = self._patched(conn, expression, entry, seq, changed)
        if entry is None:
            entry = run(conn, expression)
            entry.seq = seq
        budget = max(self.max_rows, ROWS_PER_DOCUMENT * len(changed))
        with self.lock:
            self.entries[expression] = entry
            while sum(len(e.rowids) for e in self.entries.values()) > budget:
                if len(self.entries) == 1:
                    break
                self.entries.popitem(last=False)
        return entry

    def _patched(
        self, conn: sqlite3.Connection, expression: str, entry: Matches, seq: int, changed: Array
    ) -> Matches | None:
        rows = np.flatnonzero(changed > entry.seq)
        too_old = time.monotonic() - entry.made > self.max_age
        if too_old or entry.patched + len(rows) > self.max_patched:
            return None
        fresh = run(conn, expression, [int(r) for r in rows])
        keep = ~np.isin(entry.rowids, rows)
        rowids = np.concatenate([entry.rowids[keep], fresh.rowids])
        scores = np.concatenate([entry.scores[keep], fresh.scores])
        order = np.argsort(rowids, kind="stable")
        return Matches(rowids[order], scores[order], seq, entry.made, entry.patched + len(rows))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
