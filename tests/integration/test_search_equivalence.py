"""The redesigned FTS5 adapter answers exactly as the previous design did.

Both are loaded with the same generated corpus (tests/search_reference/generated.py)
and asked the same few hundred searches: words, prefixes, typos, phrases, exclusions,
every filter, each sort, later pages, with every facet value (no cap). Totals, the
order of the page, snippets, distances, documents (the body aside: hits no longer
carry it) and facet counts must be equal. The previous design is kept for this in
tests/search_reference/legacy_fts.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery, SearchResult
from infra.search.facet_caps import cap
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.search_reference.generated import Generator, documents
from tests.search_reference.legacy_fts import SqliteFtsIndex as LegacyIndex

N = 900


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, SqliteFtsIndex]]:
    base = tmp_path_factory.mktemp("equivalence")
    legacy, new = LegacyIndex(base / "legacy"), SqliteFtsIndex(base / "new")
    corpus = list(documents(N))
    for number, start in enumerate(range(0, N, 300), start=1):
        batch = corpus[start : start + 300]
        legacy.apply(batch, [], Tracking("Archive", number))
        new.apply(batch, [], Tracking("Archive", number))
    # Changes after the first load: replaced documents and removals.
    changed = [{**d, "title": d["title"] + " rewritten"} for d in corpus[:40]]
    legacy.apply(changed, [d["id"] for d in corpus[40:60]], Tracking("Archive", 10))
    new.apply(changed, [d["id"] for d in corpus[40:60]], Tracking("Archive", 10))
    yield legacy, new
    legacy.close()
    new.close()


def queries() -> list[SearchQuery]:
    rng = random.Random(11)
    gen = Generator(7)
    common = gen.words[5:40]
    rarer = gen.words[60:150]
    places = ["c0", "c1-r2", "c2-r3-t1", "c0-r0-t0-s3", "c3"]
    terms = gen.principles[:3] + gen.others[:6] + list(set(gen.parents.values()))[:3]
    found: list[SearchQuery] = [SearchQuery(), SearchQuery(include_members=True)]
    texts = (
        common[:10]
        + rarer[:15]
        + [w[:-1] + "x" + w[-1] for w in rarer[15:25] if len(w) >= 5]  # typos
        + [w[: max(2, len(w) - 3)] for w in rarer[25:35]]  # prefixes
        + [f"{a} {b}" for a, b in zip(common[10:20], rarer[35:45], strict=True)]
        + [f'"{a} {b}"' for a, b in zip(common[:5], common[5:10], strict=True)]
        + [f"{a} -{b}" for a, b in zip(common[20:26], rarer[45:51], strict=True)]
        + [f"{a} " for a in rarer[51:56]]  # not a prefix (ends with a space)
        + [gen.rare[3], gen.rare[10], "Town 012", "School", "belonging voice"]
    )
    for q in texts:
        found.append(SearchQuery(q=q))
        found.append(SearchQuery(q=q, sort="newest", page=2, per_page=7))
    for _ in range(60):
        near = (rng.uniform(-40, 60), rng.uniform(-120, 120)) if rng.random() < 0.3 else None
        found.append(
            SearchQuery(
                q=rng.choice(texts) if rng.random() < 0.6 else "",
                terms=tuple(rng.sample(terms, rng.choice((0, 0, 1, 2)))),
                places=tuple(rng.sample(places, rng.choice((0, 0, 1)))),
                kinds=tuple(rng.sample(("story", "presentation-of-learning"), rng.choice((0, 1)))),
                year_from=rng.choice((None, 2016, 2020)),
                year_to=rng.choice((None, 2019, 2024)),
                convening=rng.choice((None, None, "convening-2019")),
                licence=rng.choice((None, None, "https://creativecommons.org/licenses/by/4.0/")),
                near=near,
                radius_km=rng.choice((None, 300.0, 2000.0)) if near else None,
                sort=rng.choice(("relevance", "newest", "distance")) if near else "relevance",
                include_members=rng.random() < 0.3,
                page=rng.choice((1, 1, 2)),
                per_page=rng.choice((5, 20)),
            )
        )
    return found


def _answer(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "ids": [h.id for h in result.hits],
        "snippets": [h.snippet for h in result.hits],
        "distances": [None if h.distance_km is None else round(h.distance_km, 9)
                      for h in result.hits],
        "documents": [{k: v for k, v in h.document.items() if k != "body"} for h in result.hits],
        "facets": result.facets,
    }


@pytest.mark.parametrize("query", queries(), ids=lambda q: repr(q.q)[:30])
def test_same_answer_as_the_previous_design(
    both: tuple[Any, SqliteFtsIndex], query: SearchQuery
) -> None:
    legacy, new = both
    expected = _answer(legacy.search(query))
    assert _answer(new.search(query)) == expected


def test_the_comparison_covers_matches_filters_and_pages(both: tuple[Any, SqliteFtsIndex]) -> None:
    legacy, _ = both
    totals = [legacy.search(q).total for q in queries()]
    assert sum(1 for t in totals if t == 0) < len(totals) / 4, "mostly searches that find things"
    assert sum(1 for t in totals if t > 20) > len(totals) / 4, "many with more than a page"


def test_documents_are_whole_again(both: tuple[Any, SqliteFtsIndex]) -> None:
    legacy, new = both
    for doc_id in ("doc-0000003", "doc-0000001", "doc-0000045"):
        assert new.document(doc_id) == legacy.document(doc_id)
    assert new.all_ids() == legacy.all_ids()


@pytest.mark.parametrize("query", queries()[::4], ids=lambda q: repr(q.q)[:30])
def test_capped_facets_are_the_previous_designs_cut_down(
    both: tuple[Any, SqliteFtsIndex], query: SearchQuery
) -> None:
    legacy, new = both
    full = legacy.search(query).facets
    places = full.get("places", {})
    # The generated place slugs say their level: c0, c0-r1, c0-r1-t2, c0-r1-t2-s3.
    levels = [{p: n for p, n in places.items() if p.count("-") == depth} for depth in range(4)]
    for limit, more in ((3, None), (1, "places"), (2, "kind")):
        capped = replace(query, facet_limit=limit, facet_more=more)
        assert new.search(capped).facets == cap(full, levels, capped)
