"""Refuses request bodies over a size limit with 413, before they are read whole."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.responses import problem


class BodyTooLarge(HTTPException):
    """Raised while the body is read. An HTTPException, so that FastAPI's body parsing
    passes it on (it turns any other error into a 400) and the handler answers 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is over the limit of {max_bytes} bytes.")


class BodyLimit:
    """ASGI middleware: checks Content-Length, and counts bytes of chunked bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt_suffixes: tuple[str, ...] = ()):
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt_suffixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(self.exempt):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "Too large",
            f"The request body is over the limit of {self.max_bytes} bytes.",
            limit=self.max_bytes,
        )
        await response(scope, receive, send)
