"""The search contract's cases that the in-memory index (``tests.fakes.MemorySearchIndex``)
meets, run against it; and, by name, the cases it does not meet, each with its reason.

The fake serves the application's unit tests (what a search or a browse shows of hits
and facets). It is not a third search engine: the real adapters are SQLite FTS5, which
runs the whole contract on a temporary database in a few seconds, and Meilisearch
(tests/contract/test_search_contract.py). A case added to the contract must be listed
here in one group or the other (``test_every_contract_case_is_placed``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from domain.ports.search import SearchIndex, SearchQuery
from tests.contract import test_search_contract as contract
from tests.contract.test_search_contract import (  # noqa: F401 -- the cases and fixtures run here
    loaded,
    test_any_typed_query_gives_results_or_a_clear_error,
    test_facets_count_every_match_not_just_the_page,
    test_filter_values_cannot_break_out,
    test_filters,
    test_members_only_documents_need_members,
    test_newest_first,
    test_paging,
    test_rebuild_swaps_in_a_new_index,
    test_whole_documents_replace_and_deletions_remove,
    test_writes_are_tracked_and_idempotent,
)
from tests.fakes import MemorySearchIndex

MET: tuple[Callable[..., None], ...] = (
    test_any_typed_query_gives_results_or_a_clear_error,
    test_facets_count_every_match_not_just_the_page,
    test_filter_values_cannot_break_out,
    test_filters,
    test_members_only_documents_need_members,
    test_newest_first,
    test_paging,
    test_rebuild_swaps_in_a_new_index,
    test_whole_documents_replace_and_deletions_remove,
    test_writes_are_tracked_and_idempotent,
)

STEMMING = "words are matched whole: no stems, no folded accents (the engines' analysis)"
TYPOS = "no typo tolerance or prefix search (the engines' matching)"
CAPS = "no facet caps: the capping is infra.search.facet_caps, the adapters' own"
NOT_MET = {
    "test_near_a_point_and_sorting_by_distance": "no distances: it refuses near and distance",
    "test_typos_and_prefixes_are_forgiven": TYPOS,
    "test_a_new_word_is_forgiven_its_typos_as_soon_as_it_is_indexed": TYPOS,
    "test_snippets_highlight_and_escape": "its snippet is the escaped summary, unmarked",
    "test_snippets_mark_the_forms_found": "its snippet is the escaped summary, unmarked",
    "test_capped_facets_keep_the_most_frequent_and_the_selected": CAPS,
    "test_the_capped_place_tree_opens_below_the_selected_place": CAPS,
    "test_the_language_facet_counts_every_match": CAPS,
    "test_a_spanish_word_finds_its_forms_with_or_without_accents": STEMMING,
    "test_accents_typed_or_not_find_the_same": STEMMING,
    "test_an_english_word_finds_its_forms": STEMMING,
    "test_spanish_words_are_forgiven_their_typos": TYPOS,
    "test_a_rebuilt_index_finds_the_forms_of_its_words": STEMMING,
    "test_a_query_in_a_language_ranks_that_languages_artifacts_first": "no ranking by language",
    "test_browsing_in_a_language_shows_it_first_newest_first": "no ranking by language",
}


@pytest.fixture
def index() -> SearchIndex:
    return MemorySearchIndex()


@pytest.mark.parametrize("case", sorted(NOT_MET))
def test_not_met_by_the_in_memory_index(case: str) -> None:
    pytest.skip(f"{case}: not applicable to the in-memory index: {NOT_MET[case]}")


def test_every_contract_case_is_placed() -> None:
    cases = {name for name, _ in inspect.getmembers(contract, inspect.isfunction)}
    cases = {name for name in cases if name.startswith("test_")}
    met = {case.__name__ for case in MET}
    assert met.isdisjoint(NOT_MET)
    assert cases == met | set(NOT_MET), "a contract case is neither met here nor named"


def test_what_it_cannot_answer_is_refused_not_guessed() -> None:
    fake = MemorySearchIndex()
    for query in (
        SearchQuery(near=(32.2, -110.9)),
        SearchQuery(sort="distance"),
        SearchQuery(facet_limit=10),
    ):
        with pytest.raises(NotImplementedError):
            fake.search(query)
