"""Where the time of a search goes, on the benchmark corpus.

    python -m tests.benchmarks.profile_search DATA_DIR [--corpus N] [--cprofile]

DATA_DIR is a data directory with an event store and a search index. If it has no
index yet, the cached corpus of N artifacts (default 100,000; generated if needed) is
copied into it and the index is rebuilt there first, which takes minutes for 100,000;
the directory is kept, so the next run starts at once.

For every query of the benchmark's mix it runs, in this process and with the API's own
objects: ``SearchService.search`` as the HTTP route calls it (the request checked against
the catalogue, the adapter's search, the facets labelled), then the JSON encoding of the
route's response. Timers wrap the parts (only in this process; no project code changes)
and it prints the mean time per query of each part, overall and for the queries with
words and those without. ``--cprofile`` also prints the top functions of the adapter's
searches by cumulative time (cProfile slows Python code, so read shares).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.access import ANONYMOUS
from domain.app.search import SearchRequest
from infra.bootstrap import build
from infra.settings import Settings
from services.api.responses import dumps
from tests.benchmarks.search_measures import MixQuery, cached_corpus, query_mix, working_copy

clock = time.perf_counter_ns
PARTS = (
    ("query_for", "request checked (terms, places: catalogue)"),
    ("match", "  adapter: words -> MATCH expression (vocabulary, typo tables)"),
    ("matches", "  adapter: the expression's rowids and bm25 (cached per expression)"),
    ("mask", "  adapter: filters as a mask over the columns (unless kept)"),
    ("page", "  adapter: the first rows' order (partial sort, unless kept)"),
    ("facets", "  adapter: facet counts and caps (unless kept)"),
    ("hits", "  adapter: the page's documents and snippets"),
    ("index.search", "adapter search, whole (SqliteFtsIndex.search)"),
    ("present", "facets labelled, hits shaped (SearchService.present)"),
    ("position", "index position for the response"),
    ("json", "JSON encoding of the response"),
)

def request_for(query: MixQuery) -> SearchRequest:
    """The SearchRequest the HTTP route builds from the query's parameters."""
    params: dict[str, list[str]] = defaultdict(list)
    for name, value in query.params:
        params[name].append(value)
    one = {name: values[0] for name, values in params.items()}
    return SearchRequest(
        q=one.get("q", ""),
        principle=tuple(params["principle"]),
        term=tuple(params["term"]),
        place=tuple(params["place"]),
        near=one.get("near"),
        radius_km=float(one["radius_km"]) if "radius_km" in one else None,
        kind=tuple(params["kind"]),
        year_from=int(one["year_from"]) if "year_from" in one else None,
        year_to=int(one["year_to"]) if "year_to" in one else None,
        sort=one.get("sort", "relevance"),
        page=int(one.get("page", "1")),
    )


def prepare(data_dir: Path, n: int) -> None:
    if (data_dir / "search" / "CURRENT").is_file():
        return
    from services.indexer.rebuild import rebuild

    corpus, _, _ = cached_corpus(n, print)
    print(f"copying {corpus} to {data_dir} and rebuilding the index there ...", flush=True)
    working_copy(corpus, data_dir)
    with build(Settings(data_dir=data_dir, load_demo=False)) as container:
        done = rebuild(container.archive, container.search, container.coordination)
    print(f"rebuilt {done.documents:,} documents in {done.seconds:.1f} s", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    data_dir = Path(argv[0])
    n = int(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else 100_000
    prepare(data_dir, n)
    spent: dict[str, int] = defaultdict(int)
    per_query: list[tuple[MixQuery, dict[str, int]]] = []

    def timed(part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += clock() - t0

        return wrapper

    with build(Settings(data_dir=data_dir, load_demo=False)) as container:
        queries, index = container.queries, container.search
        mix = query_mix()
        for query in mix[:30]:  # warm-up: caches, columns, pages
            queries.search(ANONYMOUS, request_for(query))
        for name, part in (("query_for", "query_for"), ("present", "present"),
                           ("position", "position")):  # fmt: skip
            setattr(queries, name, timed(part, getattr(queries, name)))
        import infra.search.fts_match as fts_match
        import infra.search.fts_selection as selection
        import infra.search.sqlite_fts as fts

        parts = ((fts, "match_expression", "match"), (selection, "mask", "mask"),
                 (selection, "ordered", "page"), (selection, "facets", "facets"),
                 (fts, "hits", "hits"))  # fmt: skip
        for module, name, part in parts:
            setattr(module, name, timed(part, getattr(module, name)))
        fts_match.MatchCache.get = timed("matches", fts_match.MatchCache.get)  # type: ignore[method-assign]
        index.search = timed("index.search", index.search)  # type: ignore[method-assign]
        profiler = cProfile.Profile() if "--cprofile" in argv else None
        for query in mix:
            spent.clear()
            t0 = clock()
            if profiler:
                profiler.enable()
            result = queries.search(ANONYMOUS, request_for(query))
            if profiler:
                profiler.disable()
            body = {**result, "position": queries.position()}
            t1 = clock()
            dumps(body)
            spent["json"] = clock() - t1
            spent["whole"] = clock() - t0
            per_query.append((query, dict(spent)))

    def table(title: str, rows: list[tuple[MixQuery, dict[str, int]]]) -> None:
        print(f"\n{title}: {len(rows)} queries, mean ms per query (median in brackets)")
        for key, label in PARTS:
            values = [r.get(key, 0) / 1e6 for _, r in rows]
            print(f"  {label:<58} {statistics.fmean(values):8.1f}  "
                  f"({statistics.median(values):.1f})")  # fmt: skip
        whole = [r["whole"] / 1e6 for _, r in rows]
        print(f"  {'= the route handler without HTTP, whole':<58} {statistics.fmean(whole):8.1f}"
              f"  ({statistics.median(whole):.1f})")  # fmt: skip

    table("All queries", per_query)
    table("Queries with words", [r for r in per_query if r[0].query.q])
    table("Queries without words (filters only)", [r for r in per_query if not r[0].query.q])
    if profiler:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
        print(stream.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
