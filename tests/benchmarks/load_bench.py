"""A mixed load on a real server: 20 clients at once, writes, searches, reads and harvests.

    python -m tests.benchmarks.load_bench                  # 60 s on SQLite and PostgreSQL
    python -m tests.benchmarks.load_bench --seconds 10     # a short run
    python -m tests.benchmarks.load_bench --stores sqlite --clients 5
    python -m tests.benchmarks.load_bench --think 0.5      # people pause between actions

``commonplace serve`` runs as its own process on 127.0.0.1 (uvicorn, and the
indexer as its supervised child) on a fresh store holding 100 published stories.
Each client loops over a weighted mix (without pause, or with ``--think`` seconds
on average between actions, so the server is not saturated): create and publish a story,
then search for it with ``?after=`` (publish → searchable), search, read a
story, an OAI-PMH ``ListRecords`` page, a change-feed page. Every answer that is
not the expected status, and every transport error, counts as an error. Rate
limits are off: the 20 clients stand for 20 people, not one address.

Printed per store: requests and error rate, p50/p95/p99 per request kind,
publish → searchable p95, the mean number of requests in flight (Little's law: near
the number of clients means every latency is mostly waiting in line), and the
indexer's "database is locked" retries (from its status and from its log).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from tests.benchmarks.search_measures import Service, child_env, free_port
from tests.benchmarks.stores import Store, StoreUnavailable, postgres_store, sqlite_store
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places

MIX = {"write": 10, "search": 35, "read": 30, "oai": 10, "changes": 15}
PRELOADED = 100
ROLES = ("partner", "editor")
DERIVED = ("publish → searchable",)  # not a request of its own
WORDS = ("listening", "circles", "morning", "desert", "voice", "belonging", "team", "day")


@dataclass
class Kind:
    latencies_ns: list[int] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def quantile(self, q: int) -> float:
        if len(self.latencies_ns) < 2:
            return float(self.latencies_ns[0] / 1e6) if self.latencies_ns else 0.0
        return statistics.quantiles(self.latencies_ns, n=100, method="inclusive")[q - 1] / 1e6


@dataclass
class Load:
    kinds: dict[str, Kind] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        return self.kinds.setdefault(name, Kind())

    async def timed(
        self, name: str, call: Any, expect: int = 200, *args: Any, **kw: Any
    ) -> httpx.Response | None:
        started = time.perf_counter_ns()
        try:
            response: httpx.Response = await call(*args, **kw)
        except httpx.HTTPError as error:
            self.kind(name).errors[type(error).__name__] += 1
            return None
        self.kind(name).latencies_ns.append(time.perf_counter_ns() - started)
        if response.status_code != expect:
            self.kind(name).errors[str(response.status_code)] += 1
            return None
        return response


class Client:
    def __init__(
        self, n: int, base: str, tokens: dict[str, str], ids: list[str], load: Load,
        think: float = 0.0,
    ) -> None:
        self.rng = random.Random(n)
        self.think = think  # mean pause between a client's actions; 0: none (closed loop)
        self.n = n
        self.http = httpx.AsyncClient(base_url=base, timeout=60)
        self.partner = {"Authorization": f"Bearer {tokens['partner']}"}
        self.editor = {"Authorization": f"Bearer {tokens['editor']}"}
        self.ids = ids
        self.load = load
        self.written = 0

    async def run(self, until: float) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        async with self.http:
            while time.monotonic() < until:
                await getattr(self, self.rng.choices(kinds, weights)[0])()
                if self.think:
                    await asyncio.sleep(self.rng.expovariate(1 / self.think))

    async def write(self) -> None:
        self.written += 1
        word = f"loadword{self.n}x{self.written}"
        body = {"kind": "story", **READY_STORY, "title": f"Story {word}"}
        load, http = self.load, self.http
        created = await load.timed("create", http.post, 201, "/api/v1/artifacts", json=body,
                                   headers=self.partner)  # fmt: skip
        if created is None:
            return
        headers = {**self.editor, "If-Match": created.headers["etag"]}
        path = f"/api/v1/artifacts/{created.json()['id']}/publish"
        published = await load.timed("publish", http.post, 200, path, headers=headers)
        if published is None:
            return
        done = time.perf_counter_ns()
        position = published.json().get("position")
        found = await load.timed("search after publish", http.get, 200, "/api/v1/search",
                                 params={"q": word, "after": position})  # fmt: skip
        if found is not None and found.json()["total"] == 1:
            load.kind("publish → searchable").latencies_ns.append(time.perf_counter_ns() - done)
        elif found is not None:
            load.kind("publish → searchable").errors["not found"] += 1

    async def search(self) -> None:
        params = {"q": self.rng.choice(WORDS)}
        await self.load.timed("search", self.http.get, 200, "/api/v1/search", params=params)

    async def read(self) -> None:
        path = f"/api/v1/artifacts/{self.rng.choice(self.ids)}"
        await self.load.timed("read", self.http.get, 200, path)

    async def oai(self) -> None:
        params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        await self.load.timed("oai ListRecords", self.http.get, 200, "/oai", params=params)

    async def changes(self) -> None:
        await self.load.timed("changes", self.http.get, 200, "/api/v1/changes")


def prepare(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """Vocabularies, places, tokens and the preloaded stories."""
    with build(settings) as container:
        archive = container.archive
        seed_frameworks(archive)
        seed_places(archive)
        tokens = {role: archive.tokens.issue(role, f"Load {role}")[0] for role in ROLES}
        ids = []
        for n in range(PRELOADED):
            content = {**READY_STORY, "title": f"Pre {n}"}
            created = archive.artifacts.create(PARTNER, "story", content)
            archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
            ids.append(created.id)
    return tokens, ids


def serve(settings: Settings, logs: Path) -> tuple[Service, str]:
    port = free_port()
    env = child_env(settings.data_dir, settings.database_url, settings.database_schema)
    env["COMMONPLACE_RATE_LIMITS_ENABLED"] = "false"
    service = Service("commonplace serve", [
        "-c", "from services.cli import main; main()", "serve", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log",
    ], env, logs / "serve.log")  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def caught_up() -> bool:
        try:
            status = httpx.get(f"{base}/api/v1/indexer/status", timeout=10).json()
        except httpx.HTTPError:
            return False
        publications = status.get("views", {}).get("publications", {}).get("lag_events")
        return bool(status.get("state") == "running" and status["lag_events"] == 0) and (
            publications == 0
        )

    service.wait_until(caught_up)
    return service, base


def run_store(store: Store, clients: int, seconds: float, think: float = 0.0) -> list[str]:
    settings = store.fresh(f"load_{uuid.uuid4().hex[:6]}")
    tokens, ids = prepare(settings)
    with tempfile.TemporaryDirectory(prefix="cp-load-") as logs:
        service, base = serve(settings, Path(logs))
        try:
            load = Load()
            until = time.monotonic() + seconds
            started = time.perf_counter()

            async def everyone() -> None:
                team = [Client(n, base, tokens, ids, load, think) for n in range(clients)]
                await asyncio.gather(*(c.run(until) for c in team))

            asyncio.run(everyone())
            wall = time.perf_counter() - started
            status = httpx.get(f"{base}/api/v1/indexer/status", timeout=30).json()
            log = (Path(logs) / "serve.log").read_text(errors="replace")
        finally:
            service.stop()
    return report(store, clients, wall, load, status, log)


def report(
    store: Store, clients: int, wall: float, load: Load, status: dict[str, Any], log: str
) -> list[str]:
    requests = sum(len(k.latencies_ns) + sum(k.errors.values()) for n, k in load.kinds.items()
                   if n not in DERIVED)  # fmt: skip
    errors = sum(sum(k.errors.values()) for k in load.kinds.values())
    views = status.get("views", {})
    locked = {name: view.get("locked_retries", 0) for name, view in views.items()}
    lines = [
        f"{store.name}: {clients} clients for {wall:.1f} s (load average after: "
        f"{os.getloadavg()[0]:.1f}): {requests} requests "
        f"({requests / wall:.1f}/s), {errors} errors ({100 * errors / max(1, requests):.2f} %)",
        f"  {'kind':<24} {'n':>6} {'errors':>7} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}",
    ]
    requested = [k for n, k in load.kinds.items() if n not in DERIVED]
    everything = Kind([ns for kind in requested for ns in kind.latencies_ns])
    for name, kind in [*load.kinds.items(), ("all requests", everything)]:
        lines.append(
            f"  {name:<24} {len(kind.latencies_ns):>6} {sum(kind.errors.values()):>7} "
            f"{kind.quantile(50):>9.1f} {kind.quantile(95):>9.1f} {kind.quantile(99):>9.1f}"
            + (f"   {dict(kind.errors)}" if kind.errors else "")
        )
    # Little's law: the mean number of requests in flight. Close to the number of
    # clients means the server was saturated and latency is mostly waiting in line.
    in_flight = sum(everything.latencies_ns) / 1e9 / wall
    lines.append(f"  requests in flight on average: {in_flight:.1f} of {clients} clients")
    lines.append(
        f"  indexer 'database is locked' retries: {locked} (status), "
        f"{log.count('database is locked')} log lines; lag at the end: "
        f"{status.get('lag_events')} events; restarts: {status.get('supervisor')}"
    )
    lines += [f"    {line[:160]}" for line in log.splitlines() if "database is locked" in line][:5]
    if "Traceback" in log:  # the server's first unexpected error, for whoever reads the run
        tail = log[log.index("Traceback") :].splitlines()
        lines += ["  first traceback in the server's log (its last lines):"]
        lines += [f"    {line[:160]}" for line in tail[:80] if line.strip()][-12:]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client pauses between actions (exponential); "
                             "0, the default, sends the next request at once")  # fmt: skip
    args = parser.parse_args()
    print(f"Load: {args.clients} clients, think {args.think:g} s, {args.seconds:.0f} s, "
          f"mix {MIX}; load average before: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)  # fmt: skip
    for name in args.stores.split(","):
        opener = {"sqlite": sqlite_store, "postgres": postgres_store}[name]
        try:
            with opener() as store:
                lines = run_store(store, args.clients, args.seconds, args.think)
        except StoreUnavailable as error:
            lines = [f"{name}: skipped: {error}"]
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
