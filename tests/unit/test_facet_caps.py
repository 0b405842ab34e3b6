"""Capped facets: the most frequent values, the selected ones, and the place tree."""

from __future__ import annotations

from domain.ports.search import SearchQuery
from infra.search.facet_caps import cap, place_levels_to_show, top

LEVELS = [
    {"us": 50, "uk": 30, "fr": 2},
    {"arizona": 40, "texas": 10, "england": 30},
    {"tucson": 35, "phoenix": 5, "leeds": 30},
]


def test_top_keeps_the_highest_counts_then_the_selected() -> None:
    counts = {"a": 1, "b": 5, "c": 5, "d": 3}
    assert top(counts, 2) == {"b": 5, "c": 5}
    assert top(counts, 2, selected=("a", "zz")) == {"b": 5, "c": 5, "a": 1, "zz": 0}
    assert top(counts, None) == counts


def test_the_place_tree_opens_down_to_the_deepest_selections_children() -> None:
    assert place_levels_to_show(LEVELS, ()) == 1
    assert place_levels_to_show(LEVELS, ("us",)) == 2
    assert place_levels_to_show(LEVELS, ("us", "arizona")) == 3


def test_cap_applies_per_facet_and_more_lifts_one() -> None:
    facets = {
        "kind": {"story": 9, "presentation-of-learning": 4, "excursion-synthesis": 1},
        "term_filter": {"principles:a": 3, "principles:b": 2, "conditions:c": 1, "conditions:d": 4},
        "places": {},
    }
    capped = cap(facets, LEVELS, SearchQuery(facet_limit=1, kinds=("excursion-synthesis",)))
    assert capped["kind"] == {"story": 9, "excursion-synthesis": 1}
    assert capped["term_filter"] == {"principles:a": 3, "conditions:d": 4}
    assert capped["places"] == {"us": 50}
    more = cap(facets, LEVELS, SearchQuery(facet_limit=1, places=("us",), facet_more="places"))
    assert more["places"] == {"us": 50, "uk": 30, "fr": 2, "arizona": 40, "texas": 10,
                              "england": 30}  # fmt: skip
    assert cap(facets, LEVELS, SearchQuery()) is facets, "no limit: every value"
