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
from tests.conftest import seed_places


@dataclass
class Site:
    url: str
    container: Container
    tokens: dict[str, str]

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


@contextmanager
def running_site(data_dir: Path) -> Iterator[Site]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        data_dir=data_dir, load_demo=False, base_url=url, fetch_allow_networks=["127.0.0.0/8"]
    )
    container = build(settings)
    seed_frameworks(container.archive)
    seed_places(container.archive)
    tokens = {
        role: container.archive.issue_token(role, f"{role} of {url}")[0]
        for role in ("partner", "editor")
    }
    server = uvicorn.Server(
        uvicorn.Config(create_app(container=container), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the site did not start"
        time.sleep(0.01)
    try:
        yield Site(url, container, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        container.close()
