"""Capped facet answers, the same for every backend.

A capped answer has, per facet, the ``limit`` values with the highest counts (ties by
value) and every selected value, counted or not. Places are a tree the reader opens
one level at a time: the top level, and below it only the levels down to the children
of the deepest selected place (every match lies inside each selected place, so the
levels above it hold just its ancestors). ``more`` names one facet to answer in full
(for places: every value of those levels). Framework terms are capped per framework.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.ports.search import SearchQuery

Counts = dict[str, int]


def top(counts: Counts, limit: int | None, selected: Iterable[str] = ()) -> Counts:
    """The ``limit`` highest counts (all when None), plus the selected values."""
    chosen = (
        dict(counts)
        if limit is None
        else dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit])
    )
    for value in selected:
        chosen.setdefault(value, counts.get(value, 0))
    return chosen


def per_framework(counts: Counts, limit: int | None, selected: Iterable[str]) -> Counts:
    """Terms (``framework:term``) capped within each framework, not across them."""
    frameworks: dict[str, Counts] = {}
    for term, count in counts.items():
        frameworks.setdefault(term.partition(":")[0], {})[term] = count
    answer: Counts = {}
    for values in frameworks.values():
        answer.update(top(values, limit))
    for term in selected:
        answer.setdefault(term, counts.get(term, 0))
    return answer


def selected_values(query: SearchQuery) -> dict[str, tuple[str, ...]]:
    return {
        "terms": query.terms,
        "term_filter": query.terms,
        "places": query.places,
        "kind": query.kinds,
        "year": tuple(str(y) for y in {query.year_from, query.year_to} if y is not None),
        "convening": (query.convening,) if query.convening else (),
        "language": (query.language,) if query.language else (),
    }


def place_levels_to_show(levels: list[Counts], selected: Iterable[str]) -> int:
    """How many levels of the place tree to answer: down to the deepest selection's children."""
    deepest = -1
    for place in selected:
        for depth, counts in enumerate(levels):
            if place in counts:
                deepest = max(deepest, depth)
    return deepest + 2


def cap_places(levels: list[Counts], query: SearchQuery, limit: int | None) -> Counts:
    shown = levels[: place_levels_to_show(levels, query.places)]
    answer: Counts = {}
    for counts in shown:
        answer.update(top(counts, limit))
    for place in query.places:
        found = next((c[place] for c in levels if place in c), 0)
        answer.setdefault(place, found)
    return answer


def cap(facets: dict[str, Counts], levels: list[Counts], query: SearchQuery) -> dict[str, Counts]:
    """``facets`` (every value) cut down as the query asks; ``levels``: place counts by depth."""
    if query.facet_limit is None:
        return facets
    selected = selected_values(query)
    answer: dict[str, Counts] = {}
    for name, counts in facets.items():
        limit = None if query.facet_more == name else query.facet_limit
        if name == "places":
            answer[name] = cap_places(levels, query, limit)
        elif name in ("terms", "term_filter"):
            answer[name] = per_framework(counts, limit, selected[name])
        else:
            answer[name] = top(counts, limit, selected.get(name, ()))
    return {name: counts for name, counts in answer.items() if counts}
