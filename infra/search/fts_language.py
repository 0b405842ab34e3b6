"""A query's language first: which rows are in another language, and keys that put them last."""

from __future__ import annotations

import numpy as np

from domain.ports.search import SearchQuery
from infra.search.fts_columns import Array, Columns
from infra.search.stemming import base_language


def other_language(columns: Columns, query: SearchQuery, rows: Array) -> Array | None:
    """For each of ``rows``, whether its language is not the query's (None: no such order,
    because the query's language is not known or the sort is not by relevance)."""
    if query.lang is None or query.sort != "relevance":
        return None
    codes = columns.codes["language"]
    own = [code for value, code in codes.code_of.items() if base_language(value) == query.lang]
    other: Array = ~np.isin(columns.coded["language"][rows], own)
    return other


def ahead(primary: Array, other: Array | None) -> Array:
    """``primary`` sort keys (smaller first) moved so every row of the query's language comes
    before every other row, keeping the order within each group."""
    if other is None or not len(primary) or not other.any() or other.all():
        return primary
    span = float(primary.max() - primary.min()) + 1.0
    moved: Array = primary + other * span
    return moved
