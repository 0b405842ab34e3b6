"""gzip for the machine-readable answers: the JSON API, OAI-PMH and the feeds.

Search answers carry 20 hits and their facets (about 22 KiB); OAI-PMH pages and
feeds are larger still, and all of them compress four- to six-fold. Only these
paths are compressed: the web pages carry a CSRF token beside text a visitor can
put in the address, which is what BREACH-style attacks on compressed HTTPS need, so
they stay uncompressed. Starlette's ``GZipMiddleware`` does the work; it answers
with gzip only when the client sends ``Accept-Encoding: gzip`` and skips bodies
under ``minimum_size`` and streamed media.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

COMPRESSED_PREFIXES = ("/api/", "/oai", "/feeds/")
MINIMUM_SIZE = 1024  # smaller answers gain less than the header costs
SKIPPED_SUFFIXES = ("/content", "/package")  # media bytes and zip files: compressed already
LEVEL = 5  # about the size of level 9 at a third of its CPU for JSON of this kind


class CompressMachineReadable:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        compress = path.startswith(COMPRESSED_PREFIXES) and not path.endswith(SKIPPED_SUFFIXES)
        await (self.gzip if compress else self.app)(scope, receive, send)
