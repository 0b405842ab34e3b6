"""Syndication benchmarks on the synthetic corpus: a full OAI-PMH harvest and the change feed.

    python -m tests.benchmarks.syndication_bench [--corpus N | --data-dir DIR]

The API runs as its own process (uvicorn) on a copy of the cached corpus; the
harvest uses Sickle, a real OAI-PMH client, over HTTP. The server's resident
memory is sampled while paging: if paging held earlier pages, it would grow
with the harvest instead of staying flat.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import httpx
from sickle import Sickle

from tests.benchmarks.corpus import read_info
from tests.benchmarks.search_measures import api_server, cached_corpus, child_env, working_copy


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def harvest(base: str, pid: int, report: list[str]) -> None:
    samples: list[int] = []
    server_cpu, client_cpu = cpu_seconds(pid), time.process_time()
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
    server_cpu, client_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - client_cpu
    samples.append(rss_kib(pid))
    report.append(
        f"OAI-PMH ListRecords oai_dc, all pages: {records:,} records ({deleted} deleted) in "
        f"{seconds:.1f} s = {records / seconds:,.0f} records/s"
    )
    # One request at a time: server and client take turns, so on an otherwise idle machine
    # the harvest would take about their CPU time together.
    report.append(
        f"   CPU time: server {server_cpu:.1f} s ({server_cpu * 1e6 / records:.0f} us a record), "
        f"Sickle client {client_cpu:.1f} s ({client_cpu * 1e6 / records:.0f} us a record): "
        f"{records / (server_cpu + client_cpu):,.0f} records/s of CPU time"
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


def server_side(work: Path, report: list[str], pages: int = 20) -> None:
    """The repository's own time per record, in this process without HTTP: records from the
    read model, and (the previous design) each record built from its aggregate."""
    from dataclasses import replace as replaced

    from infra.bootstrap import build, build_oai_repository
    from infra.settings import Settings

    with build(Settings(data_dir=work, load_demo=False)) as container:
        repository = build_oai_repository(container)
        listing = container.publications.listing

        repository.respond([("verb", "ListRecords"), ("metadataPrefix", "oai_dc")])  # warm-up

        def timed(label: str) -> None:
            arguments = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc")]
            started, cpu, records = time.perf_counter(), time.process_time(), 0
            for _ in range(pages):
                body = repository.respond(arguments)
                records += body.count(b"<record>")
                token = body.split(b"<resumptionToken", 1)[1].split(b">", 1)[1].split(b"<")[0]
                arguments = [("verb", "ListRecords"), ("resumptionToken", token.decode())]
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            report.append(f"   {label:<46} {records:,} records in {seconds:.2f} s = "
                          f"{records / seconds:,.0f} records/s; CPU {cpu * 1e6 / records:.0f} "
                          "us a record")  # fmt: skip

        timed("server side, records from the read model")
        container.publications.listing = lambda **kw: [  # type: ignore[method-assign]
            replaced(row, record=None) for row in listing(**kw)
        ]
        timed("server side, from aggregates (previous design)")


def run(corpus_size: int, data_dir: Path | None = None) -> list[str]:
    report: list[str] = []
    if data_dir is not None:  # a corpus made by ``python -m tests.benchmarks.corpus``
        corpus, info, reused = data_dir, read_info(data_dir), True
        assert info is not None, f"{data_dir} holds no corpus"
    else:
        corpus, info, reused = cached_corpus(corpus_size, report.append)
    report.append(f"corpus: {info.artifacts:,} artifacts ({'reused' if reused else 'generated'})")
    with tempfile.TemporaryDirectory(prefix="cp-bench-syndication-") as tmp:
        work = Path(tmp) / "data"
        working_copy(corpus, work)
        server_side(work, report)
        with api_server(child_env(work), Path(tmp)) as (server, base, _):
            harvest(base, server.pid, report)
            change_feed(base, report)
            report.append(f"   server peak memory (VmHWM) at the end: {server.peak_mib():.0f} MiB")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="an existing corpus (else the cached one)")
    args = parser.parse_args(argv)
    for line in run(args.corpus, args.data_dir):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
