"""A real uvicorn server on a free loopback port, in a background thread."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn


class BackgroundServer:
    """Serves an ASGI app with uvicorn's defaults (uvloop and httptools when installed).

    Lifespan is off: the app's lifespan closes the container on shutdown, and the
    benchmark still needs the archive afterwards (it closes the container itself).
    """

    def __init__(self, app: Any, wrap: Callable[[Callable[[], None]], None] | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", workers=1
        )
        self.server = uvicorn.Server(config)
        self.loop_name = _resolved(config.loop, "uvloop", "asyncio")
        self.http_name = _resolved(str(config.http), "httptools", "h11")
        target = lambda: self.server.run(sockets=[self.sock])  # noqa: E731
        self.thread = threading.Thread(
            target=(lambda: wrap(target)) if wrap else target, name="uvicorn", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def _resolved(choice: str, fast: str, fallback: str) -> str:
    """What uvicorn's "auto" picks: the fast implementation when it is installed."""
    if choice != "auto":
        return choice
    return fast if importlib.util.find_spec(fast) else fallback
