"""45 anonymous adaptation notices naming a drip-feeding site, while search is timed.

``python -m tests.benchmarks.fetch_flood`` starts a site (rate limits off, so the
other bounds are what is measured) with a stand-in for a hostile site that drips
its answer a byte every 0.5 s, in a child process; then sends 45 notices at once
from one client, each naming another address on that site, and searches every
50 ms meanwhile. Without a total deadline and a bound on concurrent fetches
(issue 10, defect 6), such notices held fetches open for 70 s and stalled search
and OAI for everyone. Now a notice is only kept in the request (the follower
fetches later, bounded the same way): the first ``MAX_PENDING_PER_SITE`` are
answered 202 and the rest 429, each at once.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from uuid import UUID

import httpx

NOTICES = 45


class Drip(BaseHTTPRequestHandler):
    """Stand-in for a hostile site: it drips its answer a byte every 0.5 s."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(140):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.5)

    def log_message(self, *args: object) -> None:
        return


def serve(data_dir: Path) -> None:
    """The child: a site and the stand-in; prints their addresses, then serves."""
    import uvicorn

    from infra.bootstrap import build, seed_frameworks
    from infra.settings import Settings
    from services.api.app import create_app
    from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places

    drip = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    drip.daemon_threads = True
    threading.Thread(target=drip.serve_forever, daemon=True).start()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        data_dir=data_dir,
        load_demo=False,
        base_url=url,
        fetch_allow_networks=["127.0.0.0/8"],
        rate_limits_enabled=False,
    )
    container = build(settings)
    seed_frameworks(container.archive)
    seed_places(container.archive)
    origin = container.archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
    container.archive.artifacts.publish(EDITOR, UUID(origin.id), origin.version)
    sock.listen(1024)  # connections wait in the backlog until uvicorn serves
    print(url, f"http://127.0.0.1:{drip.server_address[1]}/x", origin.id, flush=True)
    config = uvicorn.Config(create_app(container=container), log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def flood(url: str, drip_url: str, origin: str) -> None:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    client = httpx.Client(base_url=url, timeout=120, limits=limits)
    answers: list[tuple[int, float]] = []
    searches: list[tuple[int, float]] = []
    stop = threading.Event()

    def notice(n: int) -> None:
        started = time.monotonic()
        answer = client.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices",
            json={"adaptation_url": f"{drip_url}/{n}"},
        )
        answers.append((answer.status_code, time.monotonic() - started))

    def search() -> None:
        while not stop.is_set():
            started = time.monotonic()
            answer = client.get("/api/v1/search?q=morning")
            searches.append((answer.status_code, time.monotonic() - started))
            time.sleep(0.05)

    searcher = threading.Thread(target=search)
    searcher.start()
    time.sleep(0.5)
    began = time.monotonic()
    with ThreadPoolExecutor(NOTICES) as pool:
        list(pool.map(notice, range(NOTICES)))
    stop.set()
    searcher.join()
    codes: dict[int, int] = {}
    for code, _ in answers:
        codes[code] = codes.get(code, 0) + 1
    slowest = {c: round(max(d for s, d in answers if s == c), 1) for c in codes}
    print(f"{NOTICES} notices: {codes}; slowest by status (s): {slowest}; "
          f"all answered in {time.monotonic() - began:.1f} s")  # fmt: skip
    times = sorted(d for _, d in searches)
    print(f"search meanwhile: n={len(times)} p50={1000 * statistics.median(times):.0f} ms "
          f"p95={1000 * times[int(0.95 * len(times)) - 1]:.0f} ms max={1000 * times[-1]:.0f} ms "
          f"statuses={sorted({s for s, _ in searches})}")  # fmt: skip


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]))
        return
    data_dir = Path(tempfile.mkdtemp(prefix="fetch-flood-"))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.fetch_flood", "serve", str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url, drip_url, origin = child.stdout.readline().split()
        flood(url, drip_url, origin)
    finally:
        child.terminate()
        child.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
