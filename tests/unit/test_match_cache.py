"""The FTS5 adapter's cache of expression matches grows with the index it serves."""

from __future__ import annotations

import sqlite3

import numpy as np

from infra.search.fts_match import MatchCache


def index_of(documents: int) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(a, b, c, d, e, f)")
    for n in range(documents):
        words = "common " + ("even" if n % 2 == 0 else "odd")
        conn.execute("INSERT INTO fts(rowid, a, b, c, d, e, f) VALUES (?, ?, '', '', '', '', '')",
                     (n + 1, words))  # fmt: skip
    return conn


def test_a_fixed_budget_keeps_only_the_latest_expression() -> None:
    conn = index_of(10)
    cache = MatchCache(max_rows=8)
    no_documents = np.zeros(0, dtype=np.int64)  # a budget of max_rows alone
    cache.get(conn, '"even"', 1, no_documents)
    cache.get(conn, '"odd"', 1, no_documents)
    assert list(cache.entries) == ['"odd"']


def test_the_budget_grows_with_the_number_of_documents() -> None:
    conn = index_of(10)
    cache = MatchCache(max_rows=8)
    changed = np.zeros(11, dtype=np.int64)  # one slot a rowid, as the columns keep them
    for expression in ('"common"', '"even"', '"odd"'):
        cache.get(conn, expression, 1, changed)
    assert list(cache.entries) == ['"common"', '"even"', '"odd"']
    assert len(cache.entries['"common"'].rowids) == 10
