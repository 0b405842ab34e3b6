"""The search index rebuilt from a corpus: in one process and with document builders in workers.

    python -m tests.benchmarks.rebuild_bench [--corpus N | --data-dir DIR] [--workers 0,1,2]
                                             [--skip-text]

Each rebuild is ``services.indexer.rebuild.rebuild`` (what ``commonplace reindex`` runs) into a
fresh SQLite FTS5 index in a temporary directory; the event store is only read. For each it
prints the rate and where the time went: the writer's time in ``Rebuild.write``, the time
the writer waited for documents, and the builders' own time (all processes). Before them,
the cost per body of the plain text for the index, from the token stream and the old way
(render, strip all tags with nh3, unescape), on the corpus's own bodies.
"""

from __future__ import annotations

import argparse
import html
import resource
import tempfile
import time
from pathlib import Path

from markdown_it import MarkdownIt

from domain.application import Archive
from infra.coordination import FileCoordination
from infra.markdown import plain_text
from infra.search.sqlite_fts import SqliteFtsIndex
from infra.settings import Settings
from infra.vault import build_vault
from services.indexer.projection import PUBLISHED
from services.indexer.rebuild import rebuild
from tests.benchmarks.search_measures import cached_corpus


def text_costs(data_dir: Path, bodies: int = 1000) -> str:
    """Mean ms per body: plain text from tokens, parse alone, and render + nh3 + unescape."""
    import nh3

    old = MarkdownIt("commonmark", {"html": False}).enable("table")
    archive = open_archive(data_dir)
    batch = archive.recorder.select_notifications(1, bodies, topics=[PUBLISHED])
    texts = [archive.mapper.to_domain_event(n).content.get("body") or "" for n in batch]
    archive.close()

    def mean_ms(function: object) -> float:
        started = time.perf_counter()
        for text in texts:
            function(text)  # type: ignore[operator]
        return (time.perf_counter() - started) * 1000 / len(texts)

    tokens = mean_ms(plain_text)
    parse = mean_ms(old.parse)
    rendered = mean_ms(lambda t: html.unescape(nh3.clean(old.render(t), tags=set())))
    return (
        f"plain text per body ({len(texts)} bodies): from tokens {tokens:.3f} ms "
        f"(of which parsing {parse:.3f} ms); render + nh3 + unescape {rendered:.3f} ms"
    )


def open_archive(data_dir: Path) -> Archive:
    """The corpus's archive with its vault (as ``commonplace reindex`` opens it: a vault
    another process can open is what lets the builders run in worker processes)."""
    settings = Settings(data_dir=data_dir, load_demo=False)
    return Archive(env=settings.eventsourcing_env(), vault=build_vault(settings))


def one_rebuild(data_dir: Path, workers: int, scratch: Path) -> str:
    target = scratch / f"workers-{workers}"
    archive = open_archive(data_dir)
    index = SqliteFtsIndex(target)
    cpu, children = time.process_time(), _children_cpu()
    try:
        report = rebuild(archive, index, FileCoordination(target), workers=workers)
        cpu, children = time.process_time() - cpu, _children_cpu() - children
    finally:
        index.close()
        archive.close()
    rate = report.documents / report.seconds
    mode = f"{workers} builder process(es)" if report.workers else "one process"
    return (
        f"rebuild, {mode:<24} {report.documents:,} documents in {report.seconds:.1f} s "
        f"= {rate:,.0f} artifacts/s\n"
        f"   folding the catalogue {report.starting:.1f} s, catching up, finishing the index "
        f"and swapping {report.finishing:.1f} s\n"
        f"   writer in Rebuild.write {report.writing:.1f} s, writer waiting for documents "
        f"{report.waiting:.1f} s, building (reading + documents, all processes) "
        f"{report.building:.1f} s\n"
        f"   CPU time: this process {cpu:.1f} s ({cpu * 1e3 / report.documents:.2f} ms a "
        f"document), builders {report.building_cpu:.1f} s "
        f"({report.building_cpu * 1e3 / report.documents:.2f} ms a document)\n"
        f"   CPU time of the builder processes from start to exit (spawning, imports, "
        f"catalogue): {children:.1f} s ({children * 1e3 / report.documents:.2f} ms a document); "
        f"all processes {(cpu + children) * 1e3 / report.documents:.2f} ms a document"
    )


def _children_cpu() -> float:
    """User and system CPU seconds of this process's ended children (the builders)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="an existing corpus (else the cached one)")
    parser.add_argument("--workers", default="0,1,2", help="builder counts to run, 0 = in process")
    parser.add_argument("--skip-text", action="store_true")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or cached_corpus(args.corpus, print)[0]
    with open("/proc/loadavg") as handle:
        print(f"corpus: {data_dir}; load average {' '.join(handle.read().split()[:3])}")
    if not args.skip_text:
        print(text_costs(data_dir), flush=True)
    with tempfile.TemporaryDirectory(prefix="cp-bench-rebuild-") as scratch:
        for workers in (int(w) for w in args.workers.split(",")):
            print(one_rebuild(data_dir, workers, Path(scratch)), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the writing process: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
