"""The search-index port: what the indexer writes and what the API asks.

Writes are whole documents keyed by artifact id (idempotent upserts) or
deletions, applied together with an eventsourcing ``Tracking`` record: the
position in the archive's log advances only once the index confirmed the write.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from eventsourcing.persistence import Tracking

Sort = Literal["relevance", "newest", "distance"]
# terms: exact terms; term_filter: terms with their broader terms (a condition counts
# everything tagged with its competencies too).
FACETS = ("terms", "term_filter", "places", "kind", "year", "convening", "language")
# Languages whose words are stemmed, and whose artifacts a query in them ranks first.
SEARCH_LANGUAGES = ("en", "es")
DEFAULT_FACET_LIMIT = 10  # values per facet in the API's and the web page's answers
# The facets as the API names them (``more=``), and as the index names them.
MORE = {
    "frameworks": "term_filter",
    "places": "places",
    "kinds": "kind",
    "years": "year",
    "convenings": "convening",
    "languages": "language",
}


class SearchUnavailable(Exception):
    """The search backend could not be reached or refused a write."""


class InvalidQuery(ValueError):
    """A query the backend cannot run (reported to users as 400)."""


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    terms: tuple[str, ...] = ()  # each must match; a parent term matches its children
    places: tuple[str, ...] = ()  # each must match; a place matches everything inside it
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    kinds: tuple[str, ...] = ()  # any of
    convening: str | None = None
    excursion: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    language: str | None = None  # a filter: artifacts in this language only
    licence: str | None = None
    # The query's own language (one of SEARCH_LANGUAGES, or None when not known): its
    # words are stemmed in it and, sorted by relevance, its artifacts come first.
    lang: str | None = None
    include_members: bool = False
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    # None: every value of every facet. A number: that many values per facet (the most
    # frequent), the selected ones always, and places as a tree opened down to the
    # children of the deepest selected place (see infra.search.facet_caps).
    facet_limit: int | None = None
    facet_more: str | None = None  # one facet answered in full despite facet_limit

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    id: str
    document: dict[str, Any]
    snippet: str  # HTML: escaped text with <mark> around matches
    distance_km: float | None = None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchIndex(ABC):
    """A search index that follows the archive's log."""

    @abstractmethod
    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        """Write documents and removals, then record ``tracking`` once the write is confirmed."""

    @abstractmethod
    def position(self, application_name: str) -> int:
        """The last log position applied (0 for none)."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def document(self, doc_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def all_ids(self) -> set[str]: ...

    @abstractmethod
    def start_rebuild(self) -> Rebuild:
        """A new, empty index to fill; swapped in atomically by ``Rebuild.swap``."""

    def health(self) -> dict[str, Any]:
        """Whether the index can answer: ``state`` is ``ok``, ``missing``, ``broken`` or
        ``unreachable``, with ``detail``; ``rebuilding`` says whether a rebuild is under way."""
        return {"state": "ok", "detail": "", "rebuilding": False}

    def close(self) -> None:  # noqa: B027 - optional for adapters
        """Release connections."""


class Rebuild(ABC):
    @abstractmethod
    def write(self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]) -> None:
        """Bulk writes, without tracking."""

    @abstractmethod
    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        """Catch-up writes after the bulk load, before the swap."""

    @abstractmethod
    def swap(self, tracking: Tracking) -> None:
        """Record the position reached and make this index the live one, atomically."""

    @abstractmethod
    def discard(self) -> None: ...


class IndexerStatus(Protocol):
    """What the indexer last reported about itself (errors, retries, its views)."""

    def load_status(self) -> dict[str, Any]: ...
