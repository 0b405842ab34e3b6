"""The first load of the attribute columns reads rows a chunk at a time, with the same result.

At a million documents, reading every ``attrs`` row as Python objects at once took the
API process to a peak of about 1.8 GiB for the first search alone; the columns now
read ``LOAD_ROWS`` rows at a time. A load in chunks (here of 7 rows, loaded column by
column, and a last one of 6, loaded row by row) must give the same columns, codes and
searches as a load in one go, and a later refresh must still read only new rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from eventsourcing.persistence import Tracking

import infra.search.fts_columns as fts_columns
from domain.ports.search import SearchQuery
from infra.search.fts_columns import Columns
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.search_reference.generated import documents

ARRAYS = ("alive", "seqs", "members", "year", "published", "lat", "lon")


def named(columns: Columns, codes: str, array: np.ndarray, n: int) -> list[object]:
    """Each row's values by name: a code depends on the order values were first seen,
    which chunks change (a chunk's terms are coded before its broader terms)."""
    values = columns.codes[codes].values
    rows: list[object] = []
    for row in array[:n]:
        if row.dtype == np.uint64:  # a bit set of terms
            rows.append({v for c, v in enumerate(values) if int(row[c // 64]) >> (c % 64) & 1})
        else:  # a place path, one code a level
            rows.append([values[c] for c in row if c >= 0])
    return rows


def loaded(path: Path, rows: int, monkeypatch: pytest.MonkeyPatch) -> Columns:
    monkeypatch.setattr(fts_columns, "LOAD_ROWS", rows)
    monkeypatch.setattr(fts_columns, "BULK_ROWS", 7)  # 300 rows: 42 bulk chunks, one of 6
    columns = Columns()
    with sqlite3.connect(path) as conn:
        columns.refresh(conn)
    return columns


def test_a_load_in_chunks_gives_the_same_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SqliteFtsIndex(tmp_path / "search")
    made = list(documents(300))
    for start in range(0, len(made), 50):  # several batches: several sequence numbers
        index.apply(made[start : start + 50], [], Tracking("Archive", start + 50))
    [path] = (tmp_path / "search").glob("gen-*.sqlite3")
    whole, chunked = loaded(path, 10**9, monkeypatch), loaded(path, 7, monkeypatch)
    n = len(made) + 1  # rowids start at 1
    assert chunked.seq == whole.seq > 0
    for name in ARRAYS:
        a, b = getattr(whole, name)[:n], getattr(chunked, name)[:n]
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    for name in ("terms", "term_filter"):
        expected = named(whole, "terms", getattr(whole, name), n)
        assert named(chunked, "terms", getattr(chunked, name), n) == expected, name
    assert named(chunked, "places", chunked.places, n) == named(whole, "places", whole.places, n)
    for name in whole.coded:
        assert chunked.codes[name].values == whole.codes[name].values, name
        assert np.array_equal(whole.coded[name][:n], chunked.coded[name][:n]), name
    with sqlite3.connect(path) as conn:
        assert chunked.refresh(conn) == [], "nothing new: nothing read"
    index.close()


def test_searches_over_columns_loaded_in_chunks_find_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = list(documents(120))
    answers = []
    for rows in (10**9, 7):
        monkeypatch.setattr(fts_columns, "LOAD_ROWS", rows)
        index = SqliteFtsIndex(tmp_path / f"search-{rows}")
        index.apply(made, [], Tracking("Archive", 1))
        result = index.search(SearchQuery(q="learning", include_members=True, per_page=50))
        answers.append((result.total, [h.id for h in result.hits], result.facets))
        index.close()
    assert answers[0][0] > 0
    assert answers[0] == answers[1]
