"""Moved to :mod:`domain.ports.search`; this name stays while other modules move over."""

from domain.ports.search import (
    FACETS,
    Hit,
    IndexerStatus,
    InvalidQuery,
    Rebuild,
    SearchIndex,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Sort,
)

__all__ = [
    "FACETS",
    "Hit",
    "IndexerStatus",
    "InvalidQuery",
    "Rebuild",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "Sort",
]
