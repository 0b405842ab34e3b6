"""Server time of the web pages on the demo archive.

    python -m tests.benchmarks.pages [--rounds N]

The demo archive is served by uvicorn on a loopback port in this process, and
each page is fetched over real HTTP (keep-alive). Two figures per page: the
server time (from the request reaching the application to the last byte of the
answer leaving it, measured by a wrapper around the ASGI app) and the round trip
seen by the client. The budget is 100 ms of server time per page.
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

import httpx

from tests.benchmarks.machine import describe
from tests.benchmarks.stats import Sample
from tests.web.live import LiveSite

BUDGET_MS = 100.0


class Timed:
    """ASGI wrapper recording the server time of each request, by path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last_ns = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter_ns()
        await self.app(scope, receive, send)
        self.last_ns = time.perf_counter_ns() - started


def pages(site: LiveSite) -> dict[str, str]:
    story = site.artifact_id("When Isabel ran the conference")
    revised = site.artifact_id(
        "Synthesis: showing what you know in two languages at Mesquite Ridge"
    )
    return {
        "home": "/",
        "search (empty)": "/search",
        "search (words + facets)": "/search?q=students+belonging&principle=lead-with-learning",
        "search (near a place)": "/search?near=32.22,-110.97&radius_km=25&sort=distance",
        "artifact": f"/artifacts/{story}",
        "history": f"/artifacts/{revised}/history",
        "diff": f"/artifacts/{revised}/diff?from=2&to=5",
        "term (condition)": "/terms/conditions/agency",
        "framework": "/terms/conditions",
        "place": "/places/tucson",
        "places": "/places",
        "map": "/map",
        "sign-in": "/signin",
        "drafts (partner)": "/drafts",
        "draft editor (partner)": "/drafts/new",
        "review queue (editor)": "/review",
    }


def signed_in(site: LiveSite, role: str) -> httpx.Client:
    """A client signed in through the sign-in form. The cookie names a server-side session;
    it is set by hand because httpx sends Secure cookies over https only."""
    with httpx.Client(base_url=site.url, timeout=10) as browser:
        page = browser.get("/signin")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf, "no CSRF field on the sign-in page"
        answer = browser.post(
            "/signin",
            data={"token": site.tokens[role], "csrf": csrf.group(1)},
            headers={"Cookie": f"cp_csrf={page.cookies['cp_csrf']}"},
        )
        assert answer.status_code == 303, answer.text
        session = answer.cookies["cp_session"]
    return httpx.Client(base_url=site.url, cookies={"cp_session": session}, timeout=10)


def measure(rounds: int) -> list[tuple[Sample, Sample]]:
    timer: list[Timed] = []

    def wrap(app: Any) -> Timed:
        timer.append(Timed(app))
        return timer[0]

    found = []
    with LiveSite(wrap=wrap) as site:
        signed = {role: signed_in(site, role) for role in ("partner", "editor")}
        anonymous = httpx.Client(base_url=site.url, timeout=10)
        for name, path in pages(site).items():
            client = (
                signed["editor"]
                if "editor)" in name
                else signed["partner"]
                if "partner" in name
                else anonymous
            )
            server, trip = Sample(name), Sample(name)
            for _ in range(3):  # warm-up: templates compiled, caches filled
                client.get(path).raise_for_status()
            loop = time.perf_counter_ns()
            for _ in range(rounds):
                started = time.perf_counter_ns()
                client.get(path).raise_for_status()
                trip.add(time.perf_counter_ns() - started)
                server.add(timer[0].last_ns)
            trip.wall_ns = time.perf_counter_ns() - loop
            found.append((server, trip))
        for client in (*signed.values(), anonymous):
            client.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="requests per page")
    rounds = parser.parse_args().rounds
    print("Web pages on the demo archive: server time (in the app) and HTTP round trip")
    for label, value in describe():
        print(f"  {label:<15} {value}")
    print()
    print(f"{'page':<28} {'server p50':>11} {'server p95':>11} {'trip p50':>9} {'trip p95':>9}")
    slow = []
    for server, trip in measure(rounds):
        print(
            f"{server.name:<28} {server.p50:8.2f} ms {server.p95:8.2f} ms "
            f"{trip.p50:6.2f} ms {trip.p95:6.2f} ms"
        )
        if server.p95 > BUDGET_MS:
            slow.append(server.name)
    print()
    print(
        f"Budget: {BUDGET_MS:.0f} ms of server time per page (p95). "
        + (f"Over budget: {', '.join(slow)}." if slow else "Every page is within it.")
    )


if __name__ == "__main__":
    main()
