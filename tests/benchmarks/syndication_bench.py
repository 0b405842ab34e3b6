"""Syndication benchmarks on the synthetic corpus: a full OAI-PMH harvest and the change feed.

    python -m tests.benchmarks.syndication_bench [--corpus N]

The API runs as its own process (uvicorn) on a copy of the cached corpus; the
harvest uses Sickle, a real OAI-PMH client, over HTTP. The server's resident
memory is sampled while paging: if paging held earlier pages, it would grow
with the harvest instead of staying flat.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
from sickle import Sickle

from tests.benchmarks.search_measures import api_server, cached_corpus, child_env, working_copy


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def harvest(base: str, pid: int, report: list[str]) -> None:
    samples: list[int] = []
    started = time.perf_counter()
    records = deleted = 0
    for n, record in enumerate(
        Sickle(f"{base}/oai", timeout=120).ListRecords(metadataPrefix="oai_dc")
    ):
        if record.header.deleted:
            deleted += 1
        records += 1
        if n % 2000 == 0:
            samples.append(rss_kib(pid))
    seconds = time.perf_counter() - started
    samples.append(rss_kib(pid))
    report.append(
        f"OAI-PMH ListRecords oai_dc, all pages: {records:,} records ({deleted} deleted) in "
        f"{seconds:.1f} s = {records / seconds:,.0f} records/s"
    )
    report.append(
        f"   server RSS while harvesting: first {samples[0] / 1024:.0f} MiB, "
        f"max {max(samples) / 1024:.0f} MiB, last {samples[-1] / 1024:.0f} MiB "
        f"({len(samples)} samples)"
    )


def change_feed(base: str, report: list[str]) -> None:
    started = time.perf_counter()
    changes = pages = 0
    cursor = None
    with httpx.Client(base_url=base, timeout=120) as client:
        while True:
            url = "/api/v1/changes?limit=1000" + (f"&after={cursor}" if cursor else "")
            page = client.get(url).json()
            changes += len(page["changes"])
            pages += 1
            cursor = page["next"]
            if not page["more"]:
                break
    seconds = time.perf_counter() - started
    report.append(
        f"change feed, 1,000 per page: {changes:,} changes in {pages} pages, {seconds:.1f} s "
        f"= {changes / seconds:,.0f} changes/s"
    )


def run(corpus_size: int) -> list[str]:
    report: list[str] = []
    corpus, info, reused = cached_corpus(corpus_size, report.append)
    report.append(f"corpus: {info.artifacts:,} artifacts ({'reused' if reused else 'generated'})")
    with tempfile.TemporaryDirectory(prefix="cp-bench-syndication-") as tmp:
        work = Path(tmp) / "data"
        working_copy(corpus, work)
        with api_server(child_env(work), Path(tmp)) as (server, base, _):
            harvest(base, server.pid, report)
            change_feed(base, report)
            report.append(f"   server peak memory (VmHWM) at the end: {server.peak_mib():.0f} MiB")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=int, default=100_000)
    args = parser.parse_args(argv)
    for line in run(args.corpus):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
