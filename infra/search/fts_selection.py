"""The part of a search that does not depend on its page: kept per expression and filters.

A search's total, its facets and the order of its first rows depend only on the MATCH
expression (through its cached matches), the filters, the facet options and the
index's sequence number. ``select`` filters the matches, orders the first rows and
counts the facets once for such a combination (capped facet answers only: one asked
for in full is counted each time), and keeps the answer in ``Selections``
until the index changes (a newer sequence number) or the expression's matches are
fetched again (a re-run changes their bm25 scores). Another page of the same search, or
the same search again, then costs a dictionary look-up. The caller holds the reader's
lock, which also guards the columns.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from domain.ports.search import SearchQuery
from infra.search.fts_columns import Array, Columns
from infra.search.fts_match import Matches
from infra.search.fts_search import facets, mask, ordered

# SearchQuery fields that are not filters: what is asked of the selection, not what selects.
NOT_FILTERS = frozenset({"q", "sort", "page", "per_page", "facets", "facet_limit", "facet_more"})
FILTERS = tuple(f.name for f in dataclasses.fields(SearchQuery) if f.name not in NOT_FILTERS)
ORDER_ROWS = 100  # ordered rowids kept per sort: the first five pages of 20
FEW_MATCHES = 8  # under 1/8 of the rowids matching: filters evaluated on the matches only
Facets = dict[str, dict[str, int]]


@dataclass
class Selection:
    """One expression and set of filters at one sequence number."""

    seq: int
    version: tuple[float, int] | None  # the matches': (made, times patched), None: no words
    total: int
    orders: dict[str, Array] = field(default_factory=dict)  # sort -> first rowids in order
    facets: dict[tuple[int | None, str | None], Facets] = field(default_factory=dict)


class Selections:
    """Recent selections, least recently used dropped first."""

    def __init__(self, max_entries: int = 512) -> None:
        self.entries: OrderedDict[tuple[Any, ...], Selection] = OrderedDict()
        self.max_entries = max_entries
        self.lock = threading.Lock()

    def get(
        self, key: tuple[Any, ...], seq: int, version: tuple[float, int] | None
    ) -> Selection | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.seq != seq or entry.version != version:
                del self.entries[key]  # the index or the matches changed since
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: Selection) -> None:
        with self.lock:
            self.entries[key] = entry
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def key_of(expression: str | None, query: SearchQuery) -> tuple[Any, ...]:
    return (expression, *(getattr(query, name) for name in FILTERS))


def select(
    conn: sqlite3.Connection,
    columns: Columns,
    query: SearchQuery,
    expression: str | None,
    matches: Matches | None,
    cache: Selections,
) -> tuple[int, list[int], Facets]:
    """The total, the page's rowids in order and the facets of ``query``."""
    version = (matches.made, matches.patched) if matches is not None else None
    # Matches older than the columns (another search refreshed them meanwhile): not kept.
    current = matches is None or matches.seq == columns.seq
    key = key_of(expression, query)
    entry = cache.get(key, columns.seq, version) if current else None
    wanted = query.offset + query.per_page
    facet_key = (query.facet_limit, query.facet_more)
    order = entry.orders.get(query.sort) if entry else None
    need_order = order is None or (entry is not None and len(order) < min(wanted, entry.total))
    need_facets = query.facets and (entry is None or facet_key not in entry.facets)
    if entry is None or need_order or need_facets:
        rows, ranks = filtered(columns, query, matches)
        if entry is None:
            entry = Selection(columns.seq, version, len(rows))
            if current:
                cache.put(key, entry)
        if need_order:
            order = ordered(conn, columns, query, rows, ranks, max(wanted, ORDER_ROWS))
            entry.orders[query.sort] = order
        if need_facets:
            counted = facets(columns, rows, query)
            if query.facet_limit is not None and query.facet_more is None:
                entry.facets[facet_key] = counted  # capped answers only: a few KiB each
            return entry.total, _page(order, query), counted
    kept = entry.facets[facet_key] if query.facets else {}
    return entry.total, _page(order, query), {k: dict(v) for k, v in kept.items()}


def _page(order: Array | None, query: SearchQuery) -> list[int]:
    assert order is not None
    return [int(r) for r in order[query.offset : max(query.offset + query.per_page, 0)]]


def filtered(columns: Columns, query: SearchQuery, matches: Matches | None) -> tuple[Array, Any]:
    """The rowids passing the filters (the matching ones when there are words), ascending,
    and their bm25 scores (None without words)."""
    if matches is None:
        return np.flatnonzero(mask(columns, query)), None
    rowids, scores = matches.rowids, matches.scores
    if len(rowids) and rowids[-1] >= columns.size:  # rowids are ascending
        inside = rowids < columns.size
        rowids, scores = rowids[inside], scores[inside]
    if len(rowids) * FEW_MATCHES < columns.size:  # the filters on the matches alone
        keep = mask(columns, query, rowids)
    else:
        keep = mask(columns, query)[rowids]
    return rowids[keep], scores[keep]
