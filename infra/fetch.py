"""Fetching other sites' documents, guarded against being turned on our own network.

Only http and https; every address a host name resolves to must be public
(private, loopback, link-local, reserved and multicast addresses are refused,
also when embedded in an IPv6 address, unless a setting allows their network).
The connection goes to the address that was checked (see ``fetch_guard``), so a
host cannot resolve differently between the check and the connection. Redirects
are followed by hand and each hop is checked again.

Every fetch has one total deadline (connect, TLS, headers and body together) and
a size cap, and only ``max_concurrent`` fetches run at once in a process: a
fetch that finds no free slot is refused with ``FetchBusy`` (503, Retry-After)
instead of queueing behind slow sites. Errors name the URL asked for, never the
address it resolved to.
"""

from __future__ import annotations

import json
import ssl
import threading
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from domain.ports.fetcher import FetchBusy, FetchFailed, FetchRefused
from infra.fetch_guard import AddressPolicy, Deadline, PinnedBackend, PinnedTransport

__all__ = ["FetchBusy", "FetchFailed", "FetchRefused", "GuardedFetcher"]

ACCEPT = "application/ld+json, application/json;q=0.9"
# No compressed answers: the size cap then bounds what is held in memory.
HEADERS = {"Accept": ACCEPT, "Accept-Encoding": "identity"}
MAX_REDIRECTS = 3


class GuardedFetcher:
    def __init__(
        self,
        allow_networks: list[str] | tuple[str, ...] = (),
        *,
        timeout: float = 5.0,
        deadline: float = 10.0,
        max_bytes: int = 2_000_000,
        max_concurrent: int = 8,
    ) -> None:
        self.policy = AddressPolicy(allow_networks)
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_concurrent = max_concurrent
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self._ssl: ssl.SSLContext | None = None

    # -- checks --------------------------------------------------------------

    def check(self, url: str) -> None:
        """Refuses a URL whose scheme or resolved addresses are not fetchable."""
        parts = self._parts(url)
        self.policy.resolve(parts.hostname or "", parts.port or _default_port(parts.scheme))

    def permitted(self, address: Any) -> bool:
        return self.policy.permitted(address)

    @staticmethod
    def _malformed(url: str) -> FetchRefused:
        return FetchRefused(f"{url!r} is not a URL that can be fetched.", url=url)

    @classmethod
    def _parts(cls, url: str) -> Any:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            raise cls._malformed(url) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Only http and https URLs can be fetched, not {url!r}.", url=url)
        return parts

    # -- fetching ------------------------------------------------------------

    def get_json(self, url: str, *, wait: float = 0.0) -> dict[str, Any]:
        """The JSON object at ``url``, following up to three redirects."""
        with self._slot(wait):
            deadline = Deadline(self.deadline)
            current = url
            with self._client(deadline) as client:
                for _ in range(MAX_REDIRECTS + 1):
                    self._parts(current)
                    try:
                        with client.stream("GET", current, headers=HEADERS) as response:
                            if response.is_redirect and "location" in response.headers:
                                current = urljoin(current, response.headers["location"])
                                continue
                            body = self._read(response, current)
                    except httpx.HTTPError as error:
                        raise self._failed(current, error) from None
                    except (httpx.InvalidURL, ValueError):  # IDNA and other malformed hosts
                        raise self._malformed(current) from None
                    return self._parse(body, current)
        raise FetchFailed(f"{url} redirected more than {MAX_REDIRECTS} times.", url=url)

    def post_json(
        self,
        url: str,
        payload: dict[str, Any] | bytes,
        *,
        wait: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> int:
        """POSTs ``payload`` (bytes exactly as given, e.g. a signed body); returns the
        status code. Redirects are not followed."""
        self._parts(url)
        sent: dict[str, Any] = (
            {"content": payload, "headers": {"Content-Type": "application/json", **(headers or {})}}
            if isinstance(payload, bytes)
            else {"json": payload, "headers": headers}
        )
        with self._slot(wait), self._client(Deadline(self.deadline)) as client:
            try:
                with client.stream("POST", url, **sent) as response:
                    for _ in response.iter_bytes():  # read (and drop) the answer in time
                        pass
                    return response.status_code
            except httpx.HTTPError as error:
                raise self._failed(url, error) from None
            except (httpx.InvalidURL, ValueError):
                raise self._malformed(url) from None

    def _slot(self, wait: float) -> _Slot:
        acquired = self.slots.acquire(timeout=wait) if wait > 0 else self.slots.acquire(False)
        if not acquired:
            raise FetchBusy(
                f"{self.max_concurrent} fetches of other sites are already running; "
                "try again shortly.",
                retry_after=max(1, round(self.deadline)),
            )
        return _Slot(self.slots)

    def _client(self, deadline: Deadline) -> httpx.Client:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        transport = PinnedTransport(PinnedBackend(self.policy, deadline), self._ssl)
        return httpx.Client(transport=transport, timeout=self.timeout, follow_redirects=False)

    def _failed(self, url: str, error: httpx.HTTPError) -> FetchFailed:
        if isinstance(error, httpx.TimeoutException):
            return FetchFailed(
                f"{url} did not answer in time (at most {self.deadline:g} s in all).", url=url
            )
        return FetchFailed(f"{url} could not be fetched: the connection failed.", url=url)

    def _read(self, response: httpx.Response, url: str) -> bytes:
        if response.status_code != 200:
            raise FetchFailed(
                f"{url} answered {response.status_code}.", url=url, answered=response.status_code
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchFailed(f"{url} sent more than {self.max_bytes} bytes.", url=url)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchFailed(f"{url} sent more than {self.max_bytes} bytes.", url=url)
        return bytes(body)

    @staticmethod
    def _parse(body: bytes, url: str) -> dict[str, Any]:
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise FetchFailed(f"{url} did not answer with usable JSON.", url=url) from None
        if not isinstance(document, dict):
            raise FetchFailed(f"{url} did not answer with a JSON object.", url=url)
        return document


class _Slot:
    def __init__(self, semaphore: threading.BoundedSemaphore) -> None:
        self.semaphore = semaphore

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.semaphore.release()


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
