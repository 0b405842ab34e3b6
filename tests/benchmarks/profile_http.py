"""Where the time of an HTTP create and publish goes.

    python -m tests.benchmarks.profile_http [sqlite|postgres] [pairs] [--cprofile]

Runs the HTTP measure of ``run.py`` on a fresh store with wall-clock timers
around the parts of each request (only in this process: the Archive instance's
methods, the renderer, FastAPI's thread-pool calls and the ASGI app are wrapped
here; no project code changes), and prints the mean time of each part per
request. ``--cprofile`` also profiles the uvicorn thread with cProfile and
prints the top functions (the profiler slows Python code, so read shares).
"""

from __future__ import annotations

import cProfile
import functools
import io
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import fastapi.dependencies.utils as fastapi_deps
import fastapi.routing as fastapi_routing
import starlette.routing as starlette_routing

import services.api.deps as api_deps
from infra.bootstrap import Container
from services.api import responses
from services.api.artifact_answers import ArtifactAnswers
from tests.benchmarks.measures import http_pairs
from tests.benchmarks.run import seeded
from tests.benchmarks.stores import postgres_store, sqlite_store

clock = time.perf_counter_ns
Bucket = dict[str, list[int]]  # part -> [nanoseconds, calls]
HOPS = "thread-pool hops (sync dependencies)"
TOKEN_HOPS = "thread-pool hops (token-cache misses)"
ENDPOINT_HOP = "thread-pool hop (sync endpoint)"
ROUTER = "  of which in the router (all but middleware)"
WHOLE = "server: whole ASGI app"

current: Bucket = {}  # the request being served (the client sends one at a time)
served: dict[str, list[Bucket]] = defaultdict(list)


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return function(*args, **kwargs)
        finally:
            add(name, clock() - t0)

    return wrapper


def add(name: str, ns: int) -> None:
    part = current.setdefault(name, [0, 0])
    part[0] += ns
    part[1] += 1


def instrument(container: Container) -> None:
    archive = container.archive
    for group, name in (
        ("tokens", "authenticate"),
        ("artifacts", "create"),
        ("artifacts", "publish"),
        ("reading", "get_artifact"),
    ):
        commands = getattr(archive, group)
        setattr(commands, name, timed(f"archive.{group}.{name}", getattr(commands, name)))
    cache = archive.catalogue.records  # the catalogue's cached records
    cache.refresh = timed("  of which catalogue.refresh", cache.refresh)  # type: ignore[method-assign]
    recorder = archive.recorder
    recorder.insert_events = timed("  of which insert_events", recorder.insert_events)  # type: ignore[method-assign]
    renderer = container.renderer
    renderer.render = timed("renderer.render (markdown)", renderer.render)  # type: ignore[method-assign]

    hops = (
        (fastapi_deps, HOPS),  # sync dependencies
        (fastapi_routing, ENDPOINT_HOP),  # sync endpoints
        (api_deps, TOKEN_HOPS),  # current_principal on a token-cache miss
    )
    for module, name in hops:
        replace(module, "run_in_threadpool", functools.partial(hop_timer, name))
    written = timed("  of which answers.written (JSON included)", ArtifactAnswers.written)
    ArtifactAnswers.written = written  # type: ignore[method-assign]
    solving = "  of which FastAPI solve_dependencies"
    replace(fastapi_routing, "solve_dependencies", lambda f: async_timer(solving, f))
    responses.JSON.render = timed("JSON encoding (responses.JSON)", responses.JSON.render)  # type: ignore[method-assign]
    router_call = starlette_routing.Router.__call__

    async def routed(router: Any, scope: Any, receive: Any, send: Any) -> None:
        t0 = clock()
        try:
            await router_call(router, scope, receive, send)
        finally:
            add(ROUTER, clock() - t0)

    replace(starlette_routing.Router, "__call__", lambda _: routed)


def replace(owner: object, attribute: str, wrap: Callable[[Any], Any]) -> None:
    """``owner.attribute = wrap(owner.attribute)`` (here: modules' private imports)."""
    setattr(owner, attribute, wrap(getattr(owner, attribute)))


def async_timer(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return await function(*args, **kwargs)
        finally:
            add(name, clock() - t0)

    return wrapper


def hop_timer(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """``run_in_threadpool`` timing the hop itself: its time minus the function's."""

    async def run_in_threadpool(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        inside = 0

        def call() -> Any:
            nonlocal inside
            t0 = clock()
            try:
                return function(*args, **kwargs)
            finally:
                inside = clock() - t0

        t0 = clock()
        try:
            return await original(call)
        finally:
            add(name, clock() - t0 - inside)

    return run_in_threadpool


def asgi_timer(app: Any) -> Any:
    async def timed_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        global current
        current = {}
        t0 = clock()
        await app(scope, receive, send)
        add(WHOLE, clock() - t0)
        path, method = scope["path"], scope["method"]
        if method == "POST" and path == "/api/v1/artifacts":
            served["create"].append(current)
        elif method == "POST" and path.endswith("/publish"):
            served["publish"].append(current)

    return timed_app


def main(argv: list[str]) -> int:
    use_cprofile = "--cprofile" in argv
    argv = [a for a in argv if a != "--cprofile"]
    which = argv[0] if argv else "sqlite"
    pairs = int(argv[1]) if len(argv) > 1 else 300
    profiler = cProfile.Profile()

    def wrap(run: Callable[[], None]) -> None:
        if use_cprofile:
            profiler.runcall(run)
        else:
            run()

    opened = sqlite_store() if which == "sqlite" else postgres_store()
    with opened as store, seeded(store.fresh("profile")) as container:
        instrument(container)
        result = http_pairs(container, pairs, warmup=50, floor_n=50, wrap=wrap, outer=asgi_timer)
    print(f"{store.name}, {pairs} pairs after 50 warm-up pairs; {result.server}")
    print(result.floor.line("req"))
    for kind, sample in (("create", result.pairs.create), ("publish", result.pairs.publish)):
        buckets = served[kind][-pairs:]
        print(f"\nPOST {kind}: client round trip p50 {sample.p50:.3f} ms, "
              f"mean {sample.mean:.3f} ms; mean per request of each part:")  # fmt: skip
        names = sorted({k for b in buckets for k in b} - {WHOLE},
                       key=lambda k: (k.startswith(" "), k))  # fmt: skip

        def mean_ms(name: str, buckets: list[Bucket] = buckets) -> float:
            return statistics.fmean(b.get(name, [0, 0])[0] for b in buckets) / 1e6

        for name in names:
            calls = statistics.fmean(b.get(name, [0, 0])[1] for b in buckets)
            print(f"  {name:<44} {mean_ms(name):7.3f} ms  ({calls:.1f} calls)")
        parts = sum(mean_ms(name) for name in names if not name.startswith(" "))
        print(
            f"  {'FastAPI/Starlette (routing, validation...)':<44} "
            f"{mean_ms(WHOLE) - parts:7.3f} ms  (the rest of the server's time)"
        )
        print(f"  {'= ' + WHOLE:<44} {mean_ms(WHOLE):7.3f} ms")
        print(
            f"  {'client + uvicorn + loopback':<44} {sample.mean - mean_ms(WHOLE):7.3f} ms"
            "  (round trip minus server time)"
        )
    if use_cprofile:
        for order in ("cumulative", "tottime"):
            buffer = io.StringIO()
            stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order)
            stats.print_stats(40)
            print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
