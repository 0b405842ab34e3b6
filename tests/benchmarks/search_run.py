"""The search section of ``python -m tests.benchmarks.run`` (see search_measures.py)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from infra.bootstrap import build
from infra.search.sqlite_fts import SqliteFtsIndex
from infra.settings import Settings
from tests.benchmarks import machine
from tests.benchmarks.corpus import describe, read_info
from tests.benchmarks.search_measures import (
    Latencies,
    RebuildFigures,
    Visibility,
    api_server,
    cached_corpus,
    child_env,
    indexer,
    issue_tokens,
    publications_lag,
    publish_to_searchable,
    query_mix,
    rebuild_in_child,
    run_child,
    search_latencies,
    working_copy,
)
from tests.benchmarks.stats import Sample
from tests.benchmarks.stores import POSTGRES_URL

REBUILD_GOAL = 10_000  # artifacts per second, SQLite FTS5
SEARCH_GOAL_MS = 20.0  # p95 through the HTTP API
OVERHEAD_GOAL = 1.5  # HTTP p50 / direct p50
VISIBLE_GOAL_MS = {"SQLite": 200.0, "PostgreSQL": 100.0}  # publish -> searchable, p95

Out = Callable[[str], None]
AddRow = Callable[..., None]  # (store, measure, figure, goal="", met="")


def poll_line(args: argparse.Namespace) -> str:
    return (
        "c. publish -> searchable: HTTP create + publish, then GET /api/v1/search?q=<a word "
        f"only the new title has>&per_page=1 every {args.poll_ms:g} ms until found"
    )


def yes_no(ok: bool) -> str:
    return "yes" if ok else "NO"


def ms(sample: Sample) -> str:
    return f"p50 {sample.p50:.1f} ms; p95 {sample.p95:.1f} ms"


def bench_search(args: argparse.Namespace, out: Out, add_row: AddRow) -> None:
    out(f"\n=== Search: a synthetic corpus of {args.corpus:,} artifacts "
        "(tests/benchmarks/corpus.py); the search index is SQLite FTS5 throughout")  # fmt: skip
    started = time.monotonic()
    corpus, info, reused = cached_corpus(args.corpus, out)
    how = "reused the cached corpus" if reused else "generated the corpus now, and cached it"
    out(f"corpus: {how}: {corpus}")
    out(f"   {describe(info)}")
    out(f"   generation rate when it was made: {info.rate:,.0f} artifacts/s "
        f"({info.artifact_seconds:.1f} s, catalogue {info.catalogue_seconds:.1f} s)")  # fmt: skip
    add_row("SQLite", "search corpus", f"{info.artifacts:,} artifacts, {info.places:,} places, "
            f"head {info.head:,} ({'reused' if reused else 'generated'})")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cp-bench-search-") as tmp:
        work = Path(tmp) / "sqlite"
        seconds = working_copy(corpus, work)
        size = (work / "events.sqlite3").stat().st_size / 2**20
        out(f"   working copy of the event store: {work}/events.sqlite3 "
            f"({size:,.0f} MiB, copied in {seconds:.1f} s)")  # fmt: skip
        sqlite_search(args, work, out, add_row)
    out(f"   (search on SQLite took {time.monotonic() - started:.1f} s; load average now "
        f"{machine.load()})")  # fmt: skip
    if "postgres" in [s.strip() for s in args.stores.split(",")]:
        postgres_search(args, out, add_row)


# -- SQLite: all four measures -------------------------------------------------------


def sqlite_search(args: argparse.Namespace, work: Path, out: Out, add_row: AddRow) -> None:
    env = child_env(work)
    out("a. rebuild: services.indexer.rebuild.rebuild into a fresh SqliteFtsIndex "
        "(in a process of its own)")  # fmt: skip
    rebuilt = rebuild_in_child(env, out)
    report_rebuild(rebuilt, out)
    add_row("SQLite", "rebuild into FTS5 (artifacts/s)",
            f"{rebuilt.rate:,.0f}/s ({rebuilt.documents:,} in {rebuilt.seconds:.1f} s)",
            f">= {REBUILD_GOAL:,}/s", yes_no(rebuilt.rate >= REBUILD_GOAL))  # fmt: skip

    partner, editor = issue_tokens(Settings(data_dir=work, load_demo=False))
    mix = query_mix()
    index = SqliteFtsIndex(work / "search")
    try:
        with api_server(env, work) as (api, base, started):
            out(f"b. search latency: {len(mix)} distinct queries (with facets), each run directly "
                "on the adapter in this process and over HTTP (alternately first)")  # fmt: skip
            out(f"   server: uvicorn process (pid {api.pid}) on {base}, "
                f"ready {started:.1f} s after start")  # fmt: skip
            warmup = min(args.search_warmup, len(mix))
            out(f"   warm-up: the first {warmup} queries of the mix, both ways, untimed")
            with httpx.Client(base_url=base, timeout=120) as client:
                latencies = search_latencies(index, client, mix, warmup)
            report_latencies(latencies, out, add_row)

            out(poll_line(args))
            with (
                build(Settings(data_dir=work, load_demo=False)) as bench,
                indexer(env, work, base, publications_lag(bench)) as (worker, caught_up),
            ):
                out(f"   indexer: python -m services.indexer (pid {worker.pid}): "
                    f"{worker.started_line('Indexer started')}; caught up {caught_up:.1f} s "
                    "after start")  # fmt: skip
                visible = publish_to_searchable(base, partner, editor, args.publishes,
                                                args.poll_ms)  # fmt: skip
                report_visibility("SQLite", visible, out, add_row)
                memory(out, add_row, "SQLite", api.peak_mib(), worker.peak_mib(), rebuilt)
    finally:
        index.close()


def report_rebuild(rebuilt: RebuildFigures, out: Out) -> None:
    out(f"   rebuilt {rebuilt.documents:,} documents up to position {rebuilt.position:,} in "
        f"{rebuilt.seconds:.1f} s = {rebuilt.rate:,.0f} artifacts/s")  # fmt: skip
    out(f"   of which: reading the log {rebuilt.read_seconds:.1f} s, building documents "
        f"{rebuilt.build_seconds:.1f} s, writing FTS5 {rebuilt.write_seconds:.1f} s, "
        f"indexes + swap {rebuilt.swap_seconds:.1f} s")  # fmt: skip
    out(f"   index file {rebuilt.index_mib:,.0f} MiB; peak memory (VmHWM) of the rebuild "
        f"process {rebuilt.peak_mib:.0f} MiB")  # fmt: skip


def report_latencies(latencies: Latencies, out: Out, add_row: AddRow) -> None:
    direct, http = latencies.direct, latencies.http
    out("   " + direct.line("query"))
    out("   " + http.line("query"))
    ratios = [h / d for _, d, h, _, _ in latencies.per_query]
    sizes = [size for *_, size in latencies.per_query]
    out(f"   HTTP / direct: p50 {http.p50 / direct.p50:.2f}x, p95 {http.p95 / direct.p95:.2f}x; "
        f"per query: median {statistics.median(ratios):.2f}x; HTTP adds "
        f"{http.p50 - direct.p50:.1f} ms at p50")  # fmt: skip
    out(f"   response size: median {statistics.median(sizes) / 1024:.1f} KiB, "
        f"max {max(sizes) / 1024:.1f} KiB")  # fmt: skip
    out("   typo corrections: from the vocabulary and symmetric-delete tables every write "
        "keeps current (no typo index is rebuilt)")  # fmt: skip
    out(f"   {'by kind of query':<28} {'n':>4}  {'direct p50':>10} {'p95':>8}  "
        f"{'http p50':>9} {'p95':>8}  {'hits p50':>8}")  # fmt: skip
    groups: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for query, d, h, total, _ in latencies.per_query:
        groups[query.category].append((d, h, total))
    for category, rows in groups.items():
        d_sample = Sample(category, [d for d, _, _ in rows])
        h_sample = Sample(category, [h for _, h, _ in rows])
        hits = statistics.median(t for _, _, t in rows)
        out(f"   {category:<28} {len(rows):>4}  {d_sample.p50:8.1f} ms {d_sample.p95:5.0f} ms "
            f"{h_sample.p50:7.1f} ms {h_sample.p95:5.0f} ms  {hits:>8,.0f}")  # fmt: skip
    out("   slowest five (direct ms / http ms / hits / response KiB):")
    for query, d, h, total, size in sorted(latencies.per_query, key=lambda r: -r[1])[:5]:
        out(f"     {d / 1e6:8.1f} {h / 1e6:8.1f} {total:>8,} {size / 1024:7.1f}  {query.url}")
    overhead = http.p50 / direct.p50
    add_row("SQLite", f"search direct on the adapter ({direct.count} queries)", ms(direct),
            f"(p95 <= {SEARCH_GOAL_MS:.0f} ms)", yes_no(direct.p95 <= SEARCH_GOAL_MS))  # fmt: skip
    add_row("SQLite", f"search over HTTP ({http.count} queries)", ms(http),
            f"p95 <= {SEARCH_GOAL_MS:.0f} ms", yes_no(http.p95 <= SEARCH_GOAL_MS))  # fmt: skip
    add_row("SQLite", "search HTTP / direct (p50)",
            f"{overhead:.2f}x (p95 {http.p95 / direct.p95:.2f}x)",
            f"<= {OVERHEAD_GOAL}x", yes_no(overhead <= OVERHEAD_GOAL))  # fmt: skip


def report_visibility(store: str, visible: Visibility, out: Out, add_row: AddRow) -> None:
    sample = visible.sample
    out(f"   untimed warm-up first: {len(visible.cold_ms)} publication(s), "
        + ", ".join("not found in 10 s" if ms is None else f"{ms:.0f} ms" for ms in visible.cold_ms)
        + " (the first after start loads caches in both processes)")  # fmt: skip
    out("   " + sample.line("artifact") + f"   max {max(sample.latencies_ns) / 1e6:.1f} ms")
    out(f"   searches per artifact until found: median {statistics.median(visible.polls):.0f}, "
        f"max {max(visible.polls)}; not found within 10 s: {visible.timeouts}")  # fmt: skip
    goal = VISIBLE_GOAL_MS[store]
    ok = sample.p95 <= goal and not visible.timeouts
    add_row(store, f"publish -> searchable ({sample.count} artifacts)", ms(sample),
            f"p95 <= {goal:.0f} ms", yes_no(ok))  # fmt: skip


def memory(
    out: Out, add_row: AddRow, store: str, api: float, worker: float, rebuilt: RebuildFigures
) -> None:
    out(f"d. peak memory (VmHWM): API server {api:.0f} MiB, indexer {worker:.0f} MiB, "
        f"rebuild process {rebuilt.peak_mib:.0f} MiB")  # fmt: skip
    add_row(store, "peak memory: API / indexer / rebuild",
            f"{api:.0f} / {worker:.0f} / {rebuilt.peak_mib:.0f} MiB")  # fmt: skip


# -- PostgreSQL: publish -> searchable (and its rebuild, for information) -------------


def postgres_search(args: argparse.Namespace, out: Out, add_row: AddRow) -> None:
    import psycopg

    n = args.pg_corpus
    try:
        admin = psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())
        out(f"\n=== Search on PostgreSQL: SKIPPED: not reachable at {POSTGRES_URL}: {reason}")
        add_row("PostgreSQL", "search measures", "skipped: not reachable (reason above)")
        return
    schema = f"cp_bench_{uuid.uuid4().hex[:8]}_search"
    started = time.monotonic()
    smaller = " (smaller than on SQLite, to keep the run short)" if n < args.corpus else ""
    out(f"\n=== Search on PostgreSQL events: {POSTGRES_URL}, schema {schema} (dropped at the "
        f"end); a corpus of {n:,} artifacts{smaller}")  # fmt: skip
    try:
        admin.execute(f"CREATE SCHEMA {schema}")
        with tempfile.TemporaryDirectory(prefix="cp-bench-search-pg-") as tmp:
            work = Path(tmp)
            env = child_env(work, POSTGRES_URL, schema)
            out("corpus: generated now (not cached on PostgreSQL)")
            run_child(["tests.benchmarks.corpus", "--artifacts", str(n), "--data-dir", str(work),
                       "--postgres-url", POSTGRES_URL, "--schema", schema], env, out)  # fmt: skip
            out("a. rebuild from the PostgreSQL log into a fresh SqliteFtsIndex (own process)")
            rebuilt = rebuild_in_child(env, out)
            report_rebuild(rebuilt, out)
            add_row("PostgreSQL", f"rebuild into FTS5, {n:,} artifacts (info)",
                    f"{rebuilt.rate:,.0f}/s ({rebuilt.seconds:.1f} s)")  # fmt: skip
            settings = Settings(data_dir=work, load_demo=False, database_url=POSTGRES_URL,
                                database_schema=schema)  # fmt: skip
            partner, editor = issue_tokens(settings)
            out(poll_line(args))
            with (
                build(settings) as bench,
                api_server(env, work) as (api, base, ready),
                indexer(env, work, base, publications_lag(bench)) as (worker, caught_up),
            ):
                out(f"   server: uvicorn process (pid {api.pid}) on {base}, ready {ready:.1f} s "
                    f"after start; indexer (pid {worker.pid}): "
                    f"{worker.started_line('Indexer started')}; caught up {caught_up:.1f} s "
                    "after start")  # fmt: skip
                visible = publish_to_searchable(base, partner, editor, args.publishes,
                                                args.poll_ms)  # fmt: skip
                report_visibility("PostgreSQL", visible, out, add_row)
                memory(out, add_row, "PostgreSQL", api.peak_mib(), worker.peak_mib(), rebuilt)
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()
    out(f"   (search on PostgreSQL took {time.monotonic() - started:.1f} s; load average now "
        f"{machine.load()})")  # fmt: skip


# -- search at scale: HTTP only, first use and warm (python -m tests.benchmarks.search_run) --


def first_use_http(client: httpx.Client, mix: list[Any]) -> list[tuple[Any, int, int]]:
    """Each query of the mix once over HTTP: (query, ns, total hits)."""
    timed = []
    for query in mix:
        t0 = time.perf_counter_ns()
        response = client.get(query.url)
        elapsed = time.perf_counter_ns() - t0
        response.raise_for_status()
        timed.append((query, elapsed, int(response.json()["total"])))
    return timed


def report_first_use(timed: list[tuple[Any, int, int]], out: Out) -> None:
    sample = Sample("http first use: GET /api/v1/search", [ns for _, ns, _ in timed])
    out("   " + sample.line("query") + f"   max {max(sample.latencies_ns) / 1e6:.1f} ms")
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for query, ns, total in timed:
        groups[query.category].append((ns, total))
    out(f"   {'by kind of query':<28} {'n':>4}  {'http p50':>9} {'p95':>8}  {'hits p50':>8}")
    for category, rows in groups.items():
        part = Sample(category, [ns for ns, _ in rows])
        hits = statistics.median(t for _, t in rows)
        out(f"   {category:<28} {len(rows):>4}  {part.p50:7.1f} ms {part.p95:5.0f} ms  "
            f"{hits:>8,.0f}")  # fmt: skip
    out("   slowest five (http ms / hits):")
    for query, ns, total in sorted(timed, key=lambda r: -r[1])[:5]:
        out(f"     {ns / 1e6:8.1f} {total:>9,}  {query.url}")


def warm_http(
    client: httpx.Client, mix: list[Any], rounds: int = 2
) -> tuple[Sample, list[int], list[int]]:
    """The whole mix over HTTP ``rounds`` times; the last round is timed (warm). Sizes as
    JSON and as sent (httpx asks for gzip, as browsers and most clients do)."""
    sample, sizes, sent = Sample("http warm: GET /api/v1/search"), [], []
    for round_number in range(rounds):
        for query in mix:
            t0 = time.perf_counter_ns()
            response = client.get(query.url)
            elapsed = time.perf_counter_ns() - t0
            response.raise_for_status()
            if round_number == rounds - 1:
                sample.add(elapsed)
                sizes.append(len(response.content))
                sent.append(response.num_bytes_downloaded)
    return sample, sizes, sent


def resident_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    found = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name = line.split(":")[0] + ":"
        if name in found:
            found[name] = int(line.split()[1]) / 1024
    return found["VmRSS:"], found["VmHWM:"]


def search_at_scale(
    n: int,
    out: Out,
    given: Path | None = None,
    work_dir: Path | None = None,
    http_only: bool = False,
) -> None:
    """Rebuild the corpus's index, then search it over HTTP: each query's first use in a
    fresh API process, then warm; and the API process's memory. ``given``: a directory
    holding a corpus made by tests/benchmarks/corpus.py (events.sqlite3, corpus.json).
    ``work_dir``: keep the working copy and its index there; a later run with the same
    directory searches that index again without copying or rebuilding (at a million
    artifacts the rebuild takes a quarter of an hour). ``http_only``: time each query's
    first use over HTTP alone, without also running it on an adapter in this process (at
    a million artifacts that second run doubles a pass of half an hour)."""
    if given is not None:
        corpus, found = given, read_info(given)
        assert found is not None, f"no corpus.json in {given}"
        info, reused = found, True
    else:
        corpus, info, reused = cached_corpus(n, out)
    out(f"corpus: {'reused' if reused else 'generated'} {corpus}: {describe(info)}")
    with tempfile.TemporaryDirectory(prefix="cp-bench-scale-") as tmp:
        work = work_dir or Path(tmp) / "sqlite"
        env = child_env(work)
        if work_dir is not None and (work / "rebuilt.json").is_file():
            out(f"index: reused the working copy and index in {work} (no rebuild)")
        else:
            if work_dir is None or not (work / "events.sqlite3").is_file():
                working_copy(corpus, work)
            rebuilt = rebuild_in_child(env, out)
            report_rebuild(rebuilt, out)
            (work / "rebuilt.json").write_text(json.dumps(dataclasses.asdict(rebuilt)))
        mix = query_mix()
        index = SqliteFtsIndex(work / "search")
        with api_server(env, work) as (api, base, started):
            out(f"server: uvicorn (pid {api.pid}), ready {started:.1f} s after start; "
                f"{len(mix)} queries, facets capped as the API does by default")  # fmt: skip
            with httpx.Client(base_url=base, timeout=600) as client:
                if http_only:
                    out("first use (each query's first run in this API process), HTTP only:")
                    report_first_use(first_use_http(client, mix), out)
                else:
                    first = search_latencies(index, client, mix, warmup=0)
                    out("first use (each query's first run in this API process; the direct "
                        "run is in the benchmark's own process):")  # fmt: skip
                    report_latencies(first, out, lambda *a, **k: None)
                warm, sizes, sent = warm_http(client, mix)
            out("   " + warm.line("query") + f"   max {max(warm.latencies_ns) / 1e6:.1f} ms")
            out(f"   warm response size: median {statistics.median(sizes) / 1024:.1f} KiB, "
                f"max {max(sizes) / 1024:.1f} KiB; as sent (gzip): median "
                f"{statistics.median(sent) / 1024:.1f} KiB, "
                f"max {max(sent) / 1024:.1f} KiB")  # fmt: skip
            rss, hwm = resident_mib(api.pid)
            out(f"API process memory after the searches: VmRSS {rss:.0f} MiB, VmHWM {hwm:.0f} MiB")
        index.close()


if __name__ == "__main__":
    import sys

    parser = argparse.ArgumentParser(description=search_at_scale.__doc__)
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--corpus-dir", type=Path, help="a corpus made by corpus.py, to copy")
    parser.add_argument("--work-dir", type=Path, help="keep (or reuse) the copy and its index")
    parser.add_argument(
        "--http-only",
        action="store_true",
        help="first use over HTTP only (no direct run in this process)",
    )
    options = parser.parse_args(sys.argv[1:])
    search_at_scale(options.corpus, lambda line: print(line, flush=True), options.corpus_dir,
                    options.work_dir, options.http_only)  # fmt: skip
