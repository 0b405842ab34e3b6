"""Web-only middleware: security headers on HTML, and HTML error pages for pages.

It touches only HTML responses and requests for pages: the JSON API, media,
feeds and OAI-PMH keep their own headers and their ``application/problem+json``
errors. (Swagger UI at /docs loads its own scripts, so it is left alone.)
"""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.web.errors import error_response
from services.api.web.session import UNSAFE, sessions_of


def from_this_site(request: Request) -> bool:
    return sessions_of(request).from_this_site(request)

log = logging.getLogger("commonplace.web")

NOT_PAGES = ("/api/", "/media/", "/oai", "/feeds/", "/docs", "/redoc", "/openapi.json")
NO_CSP = ("/docs", "/redoc")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(self), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
CONVERTED = frozenset({400, 404, 405, 413, 422, 429, 500, 503})


def is_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES)


def _wants_html(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"accept":
            return b"text/html" in value or b"*/*" in value
    return True


class _Exchange:
    """What one response has sent so far."""

    def __init__(self) -> None:
        self.started = False
        self.held: Message | None = None
        self.body = b""


class WebPages:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        page = is_page(path) and _wants_html(scope)
        exchange = _Exchange()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.started = True
                headers = list(message.get("headers", []))
                content_type = dict(headers).get(b"content-type", b"")
                problem = content_type.startswith(b"application/problem+json")
                if page and problem and message["status"] in CONVERTED:
                    exchange.held = message
                    return
                if content_type.startswith(b"text/html") and not path.startswith(NO_CSP):
                    present = {name.lower() for name, _ in headers}
                    for name, value in SECURITY_HEADERS.items():
                        if name.encode() not in present:
                            headers.append((name.encode(), value.encode()))
                    message = {**message, "headers": headers}
                await send(message)
                return
            if exchange.held is not None and message["type"] == "http.response.body":
                exchange.body += message.get("body", b"")
                if not message.get("more_body"):
                    await self._replace(scope, receive, send, exchange.held, exchange.body)
                return
            await send(message)

        if not page:
            await self.app(scope, receive, sending)
            return
        if scope.get("method") in UNSAFE and not from_this_site(Request(scope)):
            # Cross-site (or Origin: null) page posts are refused before any route runs.
            detail = "This form was sent from another site, so it was not accepted."
            await error_response(Request(scope), 403, detail)(scope, receive, sending)
            return
        try:
            await self.app(scope, receive, sending)
        except Exception:  # last resort for pages, like problems.server_error for the API
            log.exception("Unhandled error on %s %s", scope.get("method"), path)
            if exchange.started:
                raise
            response = error_response(Request(scope), 500)
            await response(scope, receive, sending)

    async def _replace(
        self, scope: Scope, receive: Receive, send: Send, start: Message, body: bytes
    ) -> None:
        """A problem+json answer to a page request becomes a friendly HTML page."""
        try:
            detail = str(json.loads(body).get("detail") or "")
        except (ValueError, AttributeError):
            detail = ""
        status = int(start["status"])
        response = error_response(Request(scope), status, detail if status != 500 else "")
        for name, value in start.get("headers", []):
            if name.lower() in (b"allow", b"retry-after"):
                response.headers[name.decode()] = value.decode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await response(scope, receive, send_with_headers)
