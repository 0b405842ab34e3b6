"""``OPTIONS`` and ``HEAD`` for every route, answered once for the whole application.

``OPTIONS`` answers 204 with an ``Allow`` header naming every method some route
takes at that path (a 405 names them too); ``HEAD`` runs the ``GET`` route and
sends its status and headers without the body.
"""

from __future__ import annotations

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: ASGIApp, scope: Scope) -> set[str]:
    """The methods some route of ``app`` answers at the scope's path."""
    routes = getattr(getattr(app, "router", None), "routes", [])
    found: set[str] = set()
    for route in routes:
        for method in METHODS:
            if method in found:
                continue
            match, _ = route.matches({**scope, "method": method})
            if match is Match.FULL:
                if isinstance(route, Mount):  # static files: read-only
                    found.update(("GET", "HEAD"))
                    break
                found.add(method)
    if "GET" in found:
        found.add("HEAD")
    return found


def allow_header(methods: set[str]) -> str:
    return ", ".join(m for m in (*METHODS, "OPTIONS") if m in methods or m == "OPTIONS")


class Methods:
    """ASGI middleware: 204 to ``OPTIONS``, ``HEAD`` wherever there is ``GET``,
    and the full ``Allow`` on a 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        application = scope.get("app")
        method = scope["method"]
        if method == "OPTIONS":
            allowed = allowed_methods(application, scope) if application else set()
            if allowed:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 204,
                        "headers": [(b"allow", allow_header(allowed).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
            await self.app(scope, receive, send)
            return
        if method == "HEAD":
            await self._head(application, scope, receive, send)
            return

        async def with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = allowed_methods(application, scope) if application else set()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                headers.append((b"allow", allow_header(allowed).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_allow)

    async def _head(
        self, application: ASGIApp | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        answers_head = False
        for route in getattr(getattr(application, "router", None), "routes", []):
            if route.matches(scope)[0] is Match.FULL:
                answers_head = True
                break
        if answers_head:
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
