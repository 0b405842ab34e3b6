"""Per-client rate limits: token buckets, answered with 429 and ``Retry-After``.

Four kinds of request are limited (see ``Settings.rate_limits``), each with a
bucket per client that holds up to N requests and refills at N a minute:

- ``signin``: failed sign-ins and unknown or revoked bearer tokens, per IP.
  Once a client's bucket is empty every sign-in attempt and every request with
  a token from it is refused until it refills, so tokens cannot be guessed.
- ``write``: token-authenticated writes to the API, per token.
- ``search``: the API's and the pages' search, per token, else per IP.
- ``fetch``: requests that make this site fetch another (adaptations and
  adaptation notices), per token, else per IP.

Buckets live in each API process (a replica counts its own clients): enough to
stop one client hammering, and no shared state on the request path.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.responses import problem

FETCHING = re.compile(r"^/api/v1/(adaptations|artifacts/[^/]+/adaptation-notices)/?$")
SEARCHES = ("/api/v1/search", "/search")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WHAT = {
    "signin": "failed sign-ins or unknown tokens",
    "write": "changes",
    "search": "searches",
    "fetch": "requests that fetch from other sites",
}


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """A bucket of ``per_minute`` tokens per (kind, client), refilled continuously."""

    def __init__(
        self,
        per_minute: dict[str, int],
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        self.per_minute = dict(per_minute)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def _bucket(self, kind: str, client: str) -> tuple[_Bucket, float, float]:
        capacity = float(max(self.per_minute.get(kind, 0), 1))
        rate = capacity / 60.0
        now = self.clock()
        bucket = self._buckets.get((kind, client))
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._forget_full(now)
            bucket = self._buckets[(kind, client)] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        return bucket, capacity, rate

    def wait(self, kind: str, client: str) -> float:
        """Seconds until the client may make one more request of this kind (0: now)."""
        bucket, _, rate = self._bucket(kind, client)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / rate

    def take(self, kind: str, client: str) -> float:
        """Spend one request if there is one (returns 0), else the seconds to wait."""
        bucket, _, rate = self._bucket(kind, client)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / rate

    def _forget_full(self, now: float) -> None:
        """Drop clients whose buckets have refilled: they are as good as new."""
        for key, bucket in list(self._buckets.items()):
            capacity = float(max(self.per_minute.get(key[0], 0), 1))
            if bucket.tokens + (now - bucket.stamp) * capacity / 60.0 >= capacity:
                del self._buckets[key]
        if len(self._buckets) >= self.max_clients:
            self._buckets.clear()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def kind_of(method: str, path: str, has_token: bool) -> str | None:
    """Which limit a request counts against, if any (besides failed sign-ins)."""
    if method == "POST" and FETCHING.match(path):
        return "fetch"
    if method in ("GET", "HEAD") and path.rstrip("/") in SEARCHES:
        return "search"
    if method in WRITES and has_token and path.startswith("/api/"):
        return "write"
    return None


class RateLimits:
    """ASGI middleware applying ``TokenBuckets`` to each request before the app sees it."""

    def __init__(self, app: ASGIApp, per_minute: dict[str, int]) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        client = scope.get("client")
        ip = f"ip:{client[0] if client else 'unknown'}"
        authorization = _header(scope, b"authorization")
        key = ip
        if authorization:
            key = "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
        signing_in = bool(authorization) or (method == "POST" and path == "/signin")
        if signing_in:
            wait = self.buckets.wait("signin", ip)
            if wait:
                await self._refuse("signin", wait, scope, receive, send)
                return
        kind = kind_of(method, path, bool(authorization))
        if kind is not None:
            wait = self.buckets.take(kind, key)
            if wait:
                await self._refuse(kind, wait, scope, receive, send)
                return
        if not signing_in:
            await self.app(scope, receive, send)
            return

        async def watching(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 401:
                self.buckets.take("signin", ip)
            await send(message)

        await self.app(scope, receive, watching)

    async def _refuse(
        self, kind: str, wait: float, scope: Scope, receive: Receive, send: Send
    ) -> None:
        seconds = max(1, math.ceil(wait))
        limit = self.buckets.per_minute.get(kind, 0)
        response = problem(
            429,
            "Too many requests",
            f"This client has made too many {WHAT[kind]} (the limit is {limit} a minute); "
            f"try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
            limit=limit,
        )
        await response(scope, receive, send)
