"""The demo archive served by a real uvicorn on a loopback port, with the indexer
following the log in a thread: what the browser tests and the page benchmark use."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from infra.bootstrap import Container, build
from infra.demo import load_demo
from infra.settings import Settings
from services.api.app import create_app
from services.indexer.runner import Indexer
from tests.benchmarks.server import BackgroundServer


class _Deferred:
    """An ASGI app set after the server's port is known."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


class LiveSite:
    """``with LiveSite() as site:`` — ``site.url``, ``site.tokens``, ``site.container``.

    ``wrap`` may wrap the ASGI app (the page benchmark times requests with it)."""

    container: Container
    url: str

    def __init__(self, wrap: Callable[[Any], Any] | None = None) -> None:
        self.wrap = wrap
        self.tokens: dict[str, str] = {}
        self._folder = tempfile.TemporaryDirectory(prefix="commonplace-live-")
        self._stop = threading.Event()
        self._server: BackgroundServer | None = None
        self._indexer_thread: threading.Thread | None = None

    def __enter__(self) -> LiveSite:
        # The port is only known once the socket is bound, and base_url must name it
        # (Open Graph and JSON-LD use it), so the app is built after a first bind.
        app = _Deferred()
        server = BackgroundServer(app)
        port = server.port
        settings = Settings(
            data_dir=Path(self._folder.name) / "data",
            load_demo=False,
            base_url=f"http://127.0.0.1:{port}",
        )
        self.container = build(settings)
        load_demo(self.container.archive)
        for role in ("member", "partner", "editor"):
            self.tokens[role], _ = self.container.archive.tokens.issue(role, f"Demo {role}")
        indexer = self.indexer()
        indexer.catch_up()
        self._indexer_thread = threading.Thread(
            target=indexer.run, args=(self._stop,), name="indexer", daemon=True
        )
        self._indexer_thread.start()
        built = create_app(container=self.container)
        app.app = self.wrap(built) if self.wrap else built
        self._server = server.__enter__()
        self.url = server.base_url
        return self

    def indexer(self) -> Indexer:
        c = self.container
        return Indexer(c.archive, c.search, c.coordination, publications=c.publications)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.__exit__(kind, error, tb)
        self._stop.set()
        if self._indexer_thread is not None:
            self._indexer_thread.join(timeout=10)
        self.container.close()
        self._folder.cleanup()

    def artifact_id(self, title: str) -> str:
        """The id of a demo artifact, by its title."""
        for hit in self.search(per_page=100)["hits"]:
            if hit["title"] == title:
                return str(hit["id"])
        raise LookupError(title)

    def search(self, **params: Any) -> dict[str, Any]:
        from domain.access import ANONYMOUS
        from domain.app.search import SearchRequest

        return self.container.queries.search(ANONYMOUS, SearchRequest(**params))
