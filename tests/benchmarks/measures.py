"""The four measures: raw append, create+publish in process and over HTTP, and loading."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from eventsourcing.application import Application, Repository
from eventsourcing.domain import Aggregate, event

from domain.application import Archive
from domain.artifact import Artifact
from infra.bootstrap import Container
from services.api.app import create_app
from tests.benchmarks.server import BackgroundServer
from tests.benchmarks.stats import Sample
from tests.conftest import EDITOR, PARTNER, READY_STORY

clock = time.perf_counter_ns


# -- a. the library's own append rate -----------------------------------------------


class Tick(Aggregate):
    """The most trivial aggregate: one small event per command."""

    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Ticked")
    def tick(self) -> None:
        self.count += 1


class RawAppend(Application[UUID]):
    """A plain eventsourcing application on the Archive's store settings."""

    name = "RawAppend"


def raw_append(env: dict[str, str], n: int, warmup: int) -> Sample:
    """Trigger one event and ``Application.save()`` it, n times; each save is one append."""
    app = RawAppend(env=env)
    try:
        tick = Tick()
        app.save(tick)
        for _ in range(warmup):
            tick.tick()
            app.save(tick)
        sample = Sample("raw append (tick + save)")
        start = clock()
        for _ in range(n):
            t0 = clock()
            tick.tick()
            app.save(tick)
            sample.add(clock() - t0)
        sample.wall_ns = clock() - start
        assert app.repository.get(tick.id).count == warmup + n
        return sample
    finally:
        app.close()


# -- b. and c. create + publish -------------------------------------------------------


@dataclass
class Pairs:
    """Create+publish pairs: the pair, and each command alone."""

    pair: Sample
    create: Sample
    publish: Sample
    heads: tuple[int, int] = (0, 0)  # the event log's head when timing began and ended


def run_pairs(
    name: str, one: Callable[[], tuple[int, int]], n: int, warmup: int, archive: Archive
) -> Pairs:
    for _ in range(warmup):
        one()
    pairs = Pairs(Sample(f"{name} create+publish pair"), Sample(f"{name} create"),
                  Sample(f"{name} publish"))  # fmt: skip
    first = archive.head
    start = clock()
    for _ in range(n):
        created, published = one()
        pairs.create.add(created)
        pairs.publish.add(published)
        pairs.pair.add(created + published)
    wall = clock() - start
    pairs.pair.wall_ns = pairs.create.wall_ns = pairs.publish.wall_ns = wall
    pairs.heads = (first, archive.head)
    return pairs


def app_pairs(archive: Archive, n: int, warmup: int) -> Pairs:
    """``archive.artifacts.create`` then ``archive.artifacts.publish``, in process."""

    def one() -> tuple[int, int]:
        t0 = clock()
        created = archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
        t1 = clock()
        archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        return t1 - t0, clock() - t1

    return run_pairs("app", one, n, warmup, archive)


@dataclass
class HttpResult:
    pairs: Pairs
    floor: Sample  # GET of a no-op route: uvicorn + FastAPI + httpx, no archive
    health: Sample  # GET /api/v1/health: the same plus one small query
    server: str


def http_pairs(
    container: Container,
    n: int,
    warmup: int,
    floor_n: int,
    wrap: Callable[[Callable[[], None]], None] | None = None,
    outer: Callable[[Any], Any] | None = None,
) -> HttpResult:
    """POST /api/v1/artifacts then POST .../publish against a real uvicorn server.

    ``wrap`` runs the server thread's body (for a profiler); ``outer`` wraps the ASGI app.
    """
    archive = container.archive
    partner, _ = archive.tokens.issue("partner", "Benchmark partner")
    editor, _ = archive.tokens.issue("editor", "Benchmark editor")
    app = create_app(container=container)

    @app.get("/_bench/noop", include_in_schema=False)
    async def noop() -> dict[str, str]:  # only on this benchmark's app instance
        return {}

    body = json.dumps({"kind": "story", **READY_STORY}).encode()
    as_partner = {"Authorization": f"Bearer {partner}", "Content-Type": "application/json"}
    as_editor = {"Authorization": f"Bearer {editor}"}

    with (
        BackgroundServer(outer(app) if outer else app, wrap=wrap) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):

        def one() -> tuple[int, int]:
            t0 = clock()
            created = client.post("/api/v1/artifacts", content=body, headers=as_partner)
            t1 = clock()
            if created.status_code != 201:
                raise RuntimeError(f"create: {created.status_code} {created.text}")
            headers = {**as_editor, "If-Match": created.headers["etag"]}
            t2 = clock()
            # Location is absolute, on the site's configured address: keep only its path.
            location = urlsplit(created.headers["location"]).path
            published = client.post(f"{location}/publish", headers=headers)
            t3 = clock()
            if published.status_code != 200:
                raise RuntimeError(f"publish: {published.status_code} {published.text}")
            return t1 - t0, t3 - t2

        def get(path: str, name: str) -> Sample:
            for _ in range(warmup):
                client.get(path).raise_for_status()
            sample = Sample(name)
            start = clock()
            for _ in range(floor_n):
                t0 = clock()
                response = client.get(path)
                sample.add(clock() - t0)
                response.raise_for_status()
            sample.wall_ns = clock() - start
            return sample

        floor = get("/_bench/noop", "http GET no-op route (floor)")
        health = get("/api/v1/health", "http GET /api/v1/health")
        pairs = run_pairs("http", one, n, warmup, archive)
        return HttpResult(pairs, floor, health, f"uvicorn ({server.loop_name}, "
                          f"{server.http_name}) on {server.base_url}")  # fmt: skip


# -- d. loading an artifact with 1,000 revisions ---------------------------------------


@dataclass
class Loads:
    revise: Sample  # the 999 revise commands that built the history (cache on)
    snapshot: Sample  # archive.load at version 1000: the snapshot at 1000, no events after
    replay: Sample  # all 1,000 events, no snapshot
    between: Sample  # archive.load at version 1049: snapshot at 1000 plus 49 events
    snapshots: int


def timed_loads(name: str, load: Callable[[], Artifact], version: int, n: int) -> Sample:
    for _ in range(min(20, n)):
        assert load().version == version
    sample = Sample(name)
    start = clock()
    for _ in range(n):
        t0 = clock()
        artifact = load()
        sample.add(clock() - t0)
        assert artifact.version == version
    sample.wall_ns = clock() - start
    return sample


def load_measures(archive: Archive, n: int, replays: int) -> Loads:
    created = archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
    artifact_id, version = UUID(created.id), created.version

    def revise(count: int, sample: Sample | None = None) -> int:
        nonlocal version
        start = clock()
        for _ in range(count):
            t0 = clock()
            summary = f"Revision {version + 1} of the summary."
            version = archive.artifacts.revise(
                PARTNER, artifact_id, version, {"summary": summary}
            ).version
            if sample is not None:
                sample.add(clock() - t0)
        if sample is not None:
            sample.wall_ns = clock() - start
        return version

    revised = Sample("revise (building the history)")
    assert revise(999, revised) == 1000
    assert archive.snapshots is not None
    snapshots = len(list(archive.snapshots.get(artifact_id)))

    cache = archive.repository.cache
    archive.repository.cache = None  # read from the store every time
    try:
        snapshot = timed_loads(
            "load v1000 (snapshot at 1000)", lambda: archive.load(Artifact, artifact_id), 1000, n
        )
        no_snapshots = Repository(archive.events)  # same event store; no snapshots, no cache
        replay = timed_loads(
            "load v1000 (all 1000 events)", lambda: no_snapshots.get(artifact_id), 1000, replays
        )
        assert revise(49) == 1049
        between = timed_loads(
            "load v1049 (snapshot 1000 + 49 ev.)",
            lambda: archive.load(Artifact, artifact_id),
            1049,
            n,
        )
    finally:
        archive.repository.cache = cache
    return Loads(revised, snapshot, replay, between, snapshots)
