"""The FTS5 adapter on its own, on generated search documents (not through the event store).

    python -m tests.benchmarks.search_scale [--docs N] [--legacy N] [--queries N] [--dir D]

Documents come from tests/search_reference/generated.py (the shape the indexer builds;
generated directly, so no event store, no Markdown and no document building is timed).
It prints, for the current adapter (and the previous design of
tests/search_reference/legacy_fts.py on ``--legacy`` documents, 0 to skip):

- the write rate of pre-built documents through ``start_rebuild().write`` in batches of
  2,000 plus ``swap`` (final indexes and vocabulary), and of ``apply`` batches of 50 on
  the live index afterwards;
- search latency directly on the adapter for a mix of searches with facets, as the API
  asks them (``facet_limit`` 10): each search's first use (the index just opened in
  this process, nothing cached), then warm (the same mix again, twice; the second round
  is timed), then warm with each search's kept selection dropped first ("computed": the
  expression's matches cached, the filters, order and facets worked out again);
  p50/p95/max, the size of the facets as JSON and the load average;
- this process's peak memory (VmHWM) after the searches.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery
from tests.benchmarks.search_measures import peak_kib
from tests.benchmarks.stats import Sample
from tests.search_reference.generated import Generator, documents

clock = time.perf_counter_ns
BATCH = 2000


def load(index: Any, n: int, out: Callable[[str], None], label: str) -> None:
    corpus = documents(n)
    rebuild = index.start_rebuild()
    spent = cpu = 0.0
    written = 0
    while written < n:
        batch = [next(corpus) for _ in range(min(BATCH, n - written))]
        t0, c0 = time.perf_counter(), time.process_time()
        rebuild.write(batch, [])
        spent += time.perf_counter() - t0
        cpu += time.process_time() - c0
        written += len(batch)
    t0, c0 = time.perf_counter(), time.process_time()
    rebuild.swap(Tracking("Archive", 1))
    swap, swap_cpu = time.perf_counter() - t0, time.process_time() - c0
    total, total_cpu = spent + swap, cpu + swap_cpu
    out(f"   {label}: wrote {n:,} pre-built documents in {total:.1f} s = {n / total:,.0f} "
        f"docs/s wall ({n / total_cpu:,.0f} docs/s of this process's CPU time); writes "
        f"{spent:.1f} s, final indexes + vocabulary + swap {swap:.1f} s")  # fmt: skip
    more = list(documents(n + 500))[n:]
    t0, c0 = time.perf_counter(), time.process_time()
    for number, start in enumerate(range(0, 500, 50), start=2):
        index.apply(more[start : start + 50], [], Tracking("Archive", number))
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    out(f"   {label}: apply 500 more in batches of 50 on the live index: "
        f"{500 / seconds:,.0f} docs/s wall ({500 / cpu:,.0f}/s CPU)")  # fmt: skip


def mix(n: int) -> list[SearchQuery]:
    rng = random.Random(5)
    gen = Generator(7)
    common, domain = gen.words[8:30], gen.words[40:160]
    typos = [w[:2] + w[3:] for w in domain if len(w) >= 6][:15]
    found: list[SearchQuery] = []
    places = ["c0", "c1", "c2-r1", "c3-r4", "c0-r2-t1", "c1-r0-t3"]
    terms = gen.principles + gen.others[:10]
    for i in range(n):
        kind = i % 10
        q = ""
        if kind < 6:
            q = rng.choice(common if kind < 2 else domain)
            if kind == 3:
                q += " " + rng.choice(domain)
            if kind == 4:
                q = rng.choice(typos)
            if kind == 5:
                q = f'"{rng.choice(common)} {rng.choice(common)}"'
        found.append(SearchQuery(
            q=q,
            terms=(rng.choice(terms),) if kind in (1, 6, 8) else (),
            places=(rng.choice(places),) if kind in (2, 7, 8) else (),
            year_from=2020 if kind == 9 else None,
            kinds=("story",) if kind == 9 else (),
            near=(rng.uniform(-40, 60), rng.uniform(-120, 120)) if kind == 7 else None,
            radius_km=500.0 if kind == 7 else None,
            sort="newest" if kind >= 6 else "relevance",
            page=2 if i % 7 == 0 else 1,
            facet_limit=10,
        ))  # fmt: skip
    return found


def timed(
    index: Any, queries: list[SearchQuery], name: str, forget: bool = False
) -> tuple[Sample, Sample, list[int]]:
    """Wall time and this process's CPU time per search (CPU time sees through the other
    processes sharing the machine's cores), and the size of each answer's facets.
    ``forget``: drop the kept selections (totals, first rows, facets) before each search,
    so that only the expressions' matches are cached."""
    sample, cpu, sizes = Sample(name), Sample(name + " (CPU time)"), []
    for query in queries:
        if forget:
            for reader in getattr(index, "_readers", {}).values():
                reader.selections.clear()
        t0, c0 = clock(), time.process_time_ns()
        result = index.search(query)
        sample.add(clock() - t0)
        cpu.add(time.process_time_ns() - c0)
        sizes.append(len(json.dumps(result.facets)))
    return sample, cpu, sizes


def measure(index: Any, label: str, queries: list[SearchQuery], out: Callable[[str], None]) -> None:
    first, first_cpu, sizes = timed(index, queries, f"{label} first use")
    timed(index, queries, "")
    warm, warm_cpu, _ = timed(index, queries, f"{label} warm")
    samples = [first, first_cpu, warm, warm_cpu]
    if hasattr(index, "_readers"):  # the redesigned adapter keeps selections
        samples += timed(index, queries, f"{label} warm, computed", forget=True)[:2]
    out(f"   load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    for sample in samples:
        out(f"   {sample.line('query')}   max {max(sample.latencies_ns) / 1e6:.1f} ms")
    out(f"   {label}: facets as JSON: median {sorted(sizes)[len(sizes) // 2] / 1024:.1f} KiB, "
        f"max {max(sizes) / 1024:.1f} KiB")  # fmt: skip


def main(argv: list[str]) -> int:
    from infra.search.sqlite_fts import SqliteFtsIndex
    from tests.search_reference.legacy_fts import SqliteFtsIndex as LegacyIndex

    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--legacy", type=int, default=0)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="search an index --dir already has")
    args = parser.parse_args(argv)
    out = print
    base = args.dir or Path(tempfile.mkdtemp(prefix="cp-search-scale-"))
    queries = mix(args.queries)
    out(f"=== FTS5 adapter on {args.docs:,} generated search documents "
        "(tests/search_reference/generated.py; not the event-store corpus)")  # fmt: skip
    try:
        directory = base / "new"
        if not args.reuse:
            shutil.rmtree(directory, ignore_errors=True)
            load(SqliteFtsIndex(directory), args.docs, out, "redesigned adapter")
        index = SqliteFtsIndex(directory)  # a new reader: nothing cached
        measure(index, "redesigned", queries, out)
        index.close()
        out(f"   peak memory of this process (VmHWM): {peak_kib(os.getpid()) / 1024:.0f} MiB")
        if args.legacy:
            legacy = LegacyIndex(base / "legacy")
            load(legacy, args.legacy, out, f"previous design ({args.legacy:,} documents)")
            legacy = LegacyIndex(base / "legacy")
            uncapped = [SearchQuery(**{**q.__dict__, "facet_limit": None}) for q in queries]
            measure(legacy, f"previous ({args.legacy:,})", uncapped, out)
    finally:
        if args.dir is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
