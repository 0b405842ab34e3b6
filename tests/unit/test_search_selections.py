"""The FTS5 adapter keeps each search's total, first rows and facets until the index changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

import infra.search.fts_selection as selection
from domain.ports.search import SearchQuery, SearchResult
from infra.search.fts_selection import Selection, Selections
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.search_reference.generated import Generator, documents

WORD = Generator(7).words[8]  # a common word of the generated documents


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[SqliteFtsIndex]:
    found = SqliteFtsIndex(tmp_path / "index")
    found.apply(list(documents(300)), [], Tracking("Archive", 1))
    yield found
    found.close()


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counted = {"facets": 0, "ordered": 0}

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return function(*args, **kwargs)

        return wrapper

    for name in counted:
        monkeypatch.setattr(selection, name, counting(name, getattr(selection, name)))
    return counted


def fresh(index: SqliteFtsIndex, query: SearchQuery) -> SearchResult:
    """The answer computed anew: the kept selections dropped first."""
    for reader in index._readers.values():
        reader.selections.clear()
    return index.search(query)


def test_the_same_search_and_its_next_page_are_answered_from_the_kept_selection(
    index: SqliteFtsIndex, calls: dict[str, int]
) -> None:
    query = SearchQuery(q=WORD, facet_limit=10)
    first = index.search(query)
    assert first.total > 40
    again = index.search(query)
    second_page = index.search(replace(query, page=2))
    assert calls == {"facets": 1, "ordered": 1}
    assert again == first
    assert second_page == fresh(index, replace(query, page=2))


def test_other_filters_facet_options_or_far_pages_are_computed(
    index: SqliteFtsIndex, calls: dict[str, int]
) -> None:
    query = SearchQuery(q=WORD, facet_limit=10)
    index.search(query)
    index.search(replace(query, kinds=("story",)))
    assert calls == {"facets": 2, "ordered": 2}
    index.search(replace(query, facet_more="places"))
    index.search(replace(query, facet_more="places"))  # a full facet is not kept
    assert calls == {"facets": 4, "ordered": 2}
    far = replace(query, per_page=30, page=5)  # beyond the first rows kept
    assert index.search(far) == fresh(index, far)
    newest = replace(query, sort="newest")
    assert index.search(newest) == fresh(index, newest)


def test_a_write_makes_the_next_search_count_again(index: SqliteFtsIndex) -> None:
    query = SearchQuery(q=WORD, facet_limit=None)
    before = index.search(query)
    added = {**next(documents(1, seed=3)), "id": "added-1", "title": f"{WORD} added",
             "kind": "a-new-kind"}  # fmt: skip
    index.apply([added], [], Tracking("Archive", 2))
    after = index.search(query)
    assert after.total == before.total + 1
    assert after.facets["kind"]["a-new-kind"] == 1
    assert after == fresh(index, query)
    removed = before.hits[0].id
    index.apply([], [removed], Tracking("Archive", 3))
    last = index.search(query)
    assert last.total == before.total
    assert removed not in {hit.id for hit in last.hits}
    assert last == fresh(index, query)


def test_an_entry_is_dropped_when_the_index_or_the_matches_change() -> None:
    cache = Selections(max_entries=2)
    cache.put(("a",), Selection(seq=5, version=(1.0, 0), total=3))
    assert cache.get(("a",), 5, (1.0, 0)) is not None
    assert cache.get(("a",), 5, (1.0, 1)) is None  # the matches were patched since
    cache.put(("a",), Selection(seq=5, version=None, total=3))
    assert cache.get(("a",), 6, None) is None  # a newer sequence number
    assert not cache.entries
    for key in ("x", "y", "z"):
        cache.put((key,), Selection(seq=1, version=None, total=0))
    assert list(cache.entries) == [("y",), ("z",)]


def test_facets_counted_the_fast_ways_equal_the_row_by_row_counts(
    index: SqliteFtsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 documents are too few for the joint histogram and the term bitmaps: forced here."""
    import infra.search.fts_search as fts_search
    from infra.search.term_bitmaps import TermBitmaps

    queries = [SearchQuery(q=WORD), SearchQuery(), SearchQuery(q=WORD, places=("c0",)),
               SearchQuery(facet_limit=10, kinds=("story",))]  # fmt: skip
    slow = [fresh(index, query).facets for query in queries]
    monkeypatch.setattr(fts_search, "JOINT_FROM", 0)
    monkeypatch.setattr(TermBitmaps, "cheaper", staticmethod(lambda *_: True))
    fast = [fresh(index, query).facets for query in queries]
    assert fast == slow
    assert all(answer["kind"] and answer["year"] and answer["terms"] for answer in fast)


def test_kinds_are_any_of(index: SqliteFtsIndex) -> None:
    kinds = sorted(index.search(SearchQuery()).facets["kind"])
    assert len(kinds) >= 2
    totals = [index.search(SearchQuery(kinds=(kind,))).total for kind in kinds[:2]]
    both = index.search(SearchQuery(kinds=(*kinds[:2], "no-such-kind"))).total
    assert 0 < totals[0] < both and both == sum(totals)
    assert index.search(SearchQuery(kinds=("no-such-kind",))).total == 0


def test_filters_on_the_matches_alone_equal_filters_on_every_row(
    index: SqliteFtsIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    gen = Generator(7)
    filters = [dict(terms=(gen.principles[0],)), dict(places=("c0",)), dict(kinds=("story",)),
               dict(year_from=2018, year_to=2022), dict(near=(22.5, 72.2), radius_km=50.0),
               dict(include_members=True, convening=None)]  # fmt: skip
    queries = [SearchQuery(q=WORD, facet_limit=10, **f) for f in filters]  # type: ignore[arg-type]
    monkeypatch.setattr(selection, "FEW_MATCHES", 0)  # never: the whole columns
    whole = [fresh(index, query) for query in queries]
    monkeypatch.setattr(selection, "FEW_MATCHES", 10**9)  # always: the matches alone
    assert [fresh(index, query) for query in queries] == whole
    assert all(result.total > 0 for result in whole)
