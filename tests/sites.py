"""Whole Commonplace sites on loopback ports, for tests that cross sites over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from services.indexer.outbox import OutboxSender, start_sender
from tests.conftest import seed_places

# Fast retries, so that a test sees a notice retried within a second or two.
SENDER_BACKOFF = 0.2


@dataclass
class Site:
    url: str
    container: Container
    tokens: dict[str, str]
    sender: OutboxSender

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


@contextmanager
def running_site(
    data_dir: Path,
    port: int = 0,
    database: tuple[str, str] | None = None,
    backoff: tuple[float, float, float] = (SENDER_BACKOFF, 1.0, 0.05),
) -> Iterator[Site]:
    """A site with its API and its outbox sender (as ``commonplace serve`` runs them).

    Started again on the same ``data_dir`` and ``port``, it is the same site restarted.
    ``database`` is a PostgreSQL URL and schema for its stores; SQLite in ``data_dir``
    when not given (the site's key and media stay in ``data_dir`` either way).
    ``backoff`` is the sender's first and longest wait between tries and its poll
    interval: fast by default, so a test sees a retry soon; the benchmark of
    delivery after an outage passes the sender's own defaults.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        data_dir=data_dir, load_demo=False, base_url=url, fetch_allow_networks=["127.0.0.0/8"]
    )
    if database is not None:
        settings = settings.model_copy(
            update={"database_url": database[0], "database_schema": database[1]}
        )
    container = build(settings)
    if container.archive.head == 0:
        seed_frameworks(container.archive)
        seed_places(container.archive)
    sender = OutboxSender(
        container.archive,
        container.outbox,
        container.adaptations.notifiers(),
        base_backoff=backoff[0],
        max_backoff=backoff[1],
        poll_interval=backoff[2],
    )
    stop = threading.Event()
    tokens = {
        role: container.archive.tokens.issue(role, f"{role} of {url}")[0]
        for role in ("partner", "editor")
    }
    server = uvicorn.Server(
        uvicorn.Config(create_app(container=container), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    sending = start_sender(sender, stop)
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the site did not start"
        time.sleep(0.01)
    try:
        yield Site(url, container, tokens, sender)
    finally:
        stop.set()
        server.should_exit = True
        thread.join(timeout=10)
        sending.join(timeout=15)
        sock.close()
        container.close()
