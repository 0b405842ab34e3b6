"""Run every benchmark on SQLite and PostgreSQL and print one report.

    python -m tests.benchmarks.run                # or: make bench
    python -m tests.benchmarks.run --quick        # smaller samples, for a smoke check
    python -m tests.benchmarks.run --skip-search  # without the search section
    python -m tests.benchmarks.run --only-search  # only the search section

PostgreSQL is the server at COMMONPLACE_BENCH_POSTGRES_URL (else
COMMONPLACE_TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test);
the run creates a schema of its own there and drops it at the end.
See docs/benchmarks.md for what each figure means.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from tests.benchmarks import machine
from tests.benchmarks.measures import Pairs, app_pairs, http_pairs, load_measures, raw_append
from tests.benchmarks.search_run import bench_search
from tests.benchmarks.stats import Sample
from tests.benchmarks.stores import Store, StoreUnavailable, postgres_store, sqlite_store
from tests.conftest import seed_places

HTTP_GOAL = 2.0  # HTTP publish p50 within 2x the raw append p50
OVERHEAD_GOAL = 1.5  # what HTTP adds to a publish, in no-op round trips (issue 12)
LOAD_GOAL_MS = 5.0  # loading an artifact with 1,000 revisions: p95 under 5 ms


@dataclass
class Row:
    store: str
    measure: str
    figure: str
    goal: str = ""
    met: str = ""


def out(text: str = "") -> None:
    print(text, flush=True)


def figure(sample: Sample, unit: str = "op") -> str:
    return f"{sample.rate:,.0f} {unit}/s; p50 {sample.p50:.3f} ms; p95 {sample.p95:.3f} ms"


def ratio(sample: Sample, base: Sample) -> str:
    return f"{sample.p50 / base.p50:.1f}x (p95 {sample.p95 / base.p95:.1f}x)"


def seeded(settings: Settings) -> Container:
    """The Archive on a fresh store, with the frameworks and the tests' places seeded."""
    container = build(settings)
    seed_frameworks(container.archive)
    seed_places(container.archive)
    return container


def drift(pairs: Pairs) -> str:
    """How the create p50 moved while the log grew (the catalogue refresh scans the log)."""
    first, last = pairs.create.tenth_p50s()
    return (f"create p50 over the first tenth {first:.3f} ms, last tenth {last:.3f} ms "
            f"(log head {pairs.heads[0]} -> {pairs.heads[1]})")  # fmt: skip


def bench_store(
    opened: AbstractContextManager[Store], args: argparse.Namespace, rows: list[Row]
) -> None:
    with opened as store:
        name = store.name
        out(f"\n=== {name}: {store.detail}")
        started = time.monotonic()

        out("a. raw eventsourcing append: Tick aggregate, one event per Application.save()")
        raw = raw_append(store.fresh("raw").eventsourcing_env(), args.raw, args.warmup)
        out("   " + raw.line("append"))
        rows.append(Row(name, "raw append (Application.save, 1 event)", figure(raw, "append")))

        out("b. create+publish through the Archive (in process)")
        with seeded(store.fresh("app")) as container:
            app = app_pairs(container.archive, args.pairs, args.warmup)
        out("   " + app.pair.line("pair"))
        for sample in (app.create, app.publish):
            out("   " + sample.line("cmd") + f"   = {ratio(sample, raw)} raw append")
        out("   " + drift(app))
        rows += [
            Row(name, "app create+publish pair", figure(app.pair, "pair")),
            Row(name, "app create / raw append (p50)", ratio(app.create, raw)),
            Row(name, "app publish / raw append (p50)", ratio(app.publish, raw)),
        ]

        out("c. create+publish over HTTP (uvicorn thread, httpx keep-alive client)")
        with seeded(store.fresh("http")) as container:
            http = http_pairs(container, args.http_pairs, args.warmup, args.floor)
        out(f"   server: {http.server}")
        for sample in (http.floor, http.health, http.pairs.pair):
            out("   " + sample.line("req" if sample is not http.pairs.pair else "pair"))
        for sample, direct in ((http.pairs.create, app.create), (http.pairs.publish, app.publish)):
            out("   " + sample.line("req") + f"   = {ratio(sample, raw)} raw append")
            out(f"   {'':<34} HTTP adds {sample.p50 - direct.p50:.3f} ms (p50) to the command "
                "in process")  # fmt: skip
        out("   " + drift(http.pairs))
        publish_ratio = http.pairs.publish.p50 / raw.p50
        # What HTTP adds to the publish command, in no-op round trips (issue 12: <= 1.5x).
        overhead = (http.pairs.publish.p50 - app.publish.p50) / http.floor.p50
        out(f"   {'':<34} HTTP adds {overhead:.1f}x the no-op round trip to a publish "
            f"(goal <= {OVERHEAD_GOAL:.1f}x)")  # fmt: skip
        rows += [
            Row(name, "http GET no-op route (floor)", figure(http.floor, "req")),
            Row(name, "http create+publish pair", figure(http.pairs.pair, "pair")),
            Row(name, "http create / raw append (p50)", ratio(http.pairs.create, raw)),
            Row(name, "http publish / raw append (p50)", ratio(http.pairs.publish, raw),
                f"<= {HTTP_GOAL:.0f}x", yes_no(publish_ratio <= HTTP_GOAL)),
            Row(name, "http publish overhead / no-op floor (p50)", f"{overhead:.1f}x",
                f"<= {OVERHEAD_GOAL:.1f}x", yes_no(overhead <= OVERHEAD_GOAL)),
        ]  # fmt: skip

        out("d. load an artifact with 1,000 revisions (aggregate cache off)")
        with seeded(store.fresh("load")) as container:
            loads = load_measures(container.archive, args.loads, args.replays)
        out("   " + loads.revise.line("cmd"))
        out(f"   snapshots stored for the artifact: {loads.snapshots} (one every 50 events)")
        for sample in (loads.snapshot, loads.between, loads.replay):
            out("   " + sample.line("load"))
        rows += [
            Row(name, "load 1,000 revisions (snapshot)", _ms(loads.snapshot),
                f"p95 < {LOAD_GOAL_MS:.0f} ms", yes_no(loads.snapshot.p95 < LOAD_GOAL_MS)),
            Row(name, "load 1,049 revisions (snapshot + 49)", _ms(loads.between),
                f"(p95 < {LOAD_GOAL_MS:.0f} ms)", yes_no(loads.between.p95 < LOAD_GOAL_MS)),
            Row(name, "load 1,000 revisions (no snapshot)", _ms(loads.replay)),
        ]  # fmt: skip
        out(f"   ({name} took {time.monotonic() - started:.1f} s)")


def _ms(sample: Sample) -> str:
    return f"p50 {sample.p50:.3f} ms; p95 {sample.p95:.3f} ms"


def yes_no(ok: bool) -> str:
    return "yes" if ok else "NO"


def table(rows: list[Row]) -> Iterator[str]:
    header = Row("store", "measure", "figure", "goal", "met?")
    cells = [header, *rows]
    widths = [max(len(getattr(r, f)) for r in cells) for f in ("store", "measure", "figure",
                                                                "goal", "met")]  # fmt: skip

    def line(r: Row) -> str:
        values = (r.store, r.measure, r.figure, r.goal, r.met)
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    yield line(header)
    yield "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    for r in rows:
        yield line(r)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--raw", type=int, default=2000, help="raw appends timed")
    parser.add_argument("--pairs", type=int, default=1000, help="in-process pairs timed")
    parser.add_argument("--http-pairs", type=int, default=1000, help="HTTP pairs timed")
    parser.add_argument("--floor", type=int, default=1000, help="GETs timed for the floor")
    parser.add_argument("--loads", type=int, default=200, help="loads timed (snapshot)")
    parser.add_argument("--replays", type=int, default=30, help="loads timed (no snapshot)")
    parser.add_argument("--warmup", type=int, default=100, help="untimed warm-up operations")
    parser.add_argument("--stores", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="small samples (smoke check)")
    search = parser.add_argument_group("search (after the measures above)")
    search.add_argument("--corpus", type=int, help="artifacts in the corpus (default 100000)")
    search.add_argument("--pg-corpus", type=int,
                        help="artifacts in the PostgreSQL corpus (default 10000)")  # fmt: skip
    search.add_argument("--publishes", type=int, help="publish -> searchable samples (300)")
    search.add_argument("--poll-ms", type=float, default=5.0, help="search poll interval")
    search.add_argument("--search-warmup", type=int, help="queries run untimed first (10)")
    search.add_argument("--skip-search", action="store_true", help="no search section")
    search.add_argument("--only-search", action="store_true", help="only the search section")
    args = parser.parse_args(argv)
    if args.quick:
        args.raw, args.pairs, args.http_pairs, args.floor = 200, 100, 100, 100
        args.loads, args.replays, args.warmup = 50, 5, 20
    defaults = (5_000, 2_000, 20, 10) if args.quick else (100_000, 10_000, 300, 10)
    for name, default in zip(("corpus", "pg_corpus", "publishes", "search_warmup"), defaults,
                             strict=True):  # fmt: skip
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.monotonic()
    out("Commonplace benchmarks")
    for label, value in machine.describe():
        out(f"  {label + ':':<16} {value}")
    out(
        f"  {'Samples:':<16} raw {args.raw}, pairs {args.pairs}, http pairs {args.http_pairs}, "
        f"loads {args.loads} (+{args.replays} without snapshots), warm-up {args.warmup}"
    )
    if not args.skip_search:
        out(f"  {'Search:':<16} corpus {args.corpus:,} (PostgreSQL {args.pg_corpus:,}), "
            f"publishes {args.publishes}, poll {args.poll_ms:g} ms, "
            f"warm-up {args.search_warmup} queries")  # fmt: skip

    stores: dict[str, Callable[[], AbstractContextManager[Store]]] = {
        "sqlite": sqlite_store,
        "postgres": postgres_store,
    }
    rows: list[Row] = []
    for key in [] if args.only_search else args.stores.split(","):
        try:
            bench_store(stores[key.strip()](), args, rows)
        except StoreUnavailable as reason:
            label = {"sqlite": "SQLite", "postgres": "PostgreSQL"}.get(key.strip(), key)
            out(f"\n=== {label}: SKIPPED: {reason}")
            rows.append(Row(label, "(all measures)", "skipped: not reachable (reason above)"))

    if not args.skip_search:

        def add_row(store: str, measure: str, figure: str, goal: str = "", met: str = "") -> None:
            rows.append(Row(store, measure, figure, goal, met))

        bench_search(args, out, add_row)

    out("\n=== Summary (latencies per operation; ratios compare p50s, p95s in brackets)")
    for line in table(rows):
        out(line)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    out(f"\nPeak RSS: {peak_kib / 1024:.1f} MiB.  Total time: {time.monotonic() - began:.1f} s.  "
        f"Load average: {machine.load()}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
