"""Fetching other sites' documents, guarded against being turned on our own network.

Only http and https; every address a host name resolves to must be public
(private, loopback, link-local, reserved and multicast addresses are refused
unless a setting allows their network); redirects are followed by hand and
each hop is checked again; answers are size- and time-limited.

A host could resolve differently between the check and the connection (DNS
rebinding); the check narrows that window but does not close it.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from domain.errors import InvalidInput

ACCEPT = "application/ld+json, application/json;q=0.9"
MAX_REDIRECTS = 3


class FetchRefused(InvalidInput):
    """A URL we will not fetch (HTTP 422)."""

    title = "Address refused"


class FetchFailed(InvalidInput):
    """The other site did not give a usable answer (HTTP 422)."""

    title = "Could not fetch"


class GuardedFetcher:
    def __init__(
        self,
        allow_networks: list[str] | tuple[str, ...] = (),
        *,
        timeout: float = 5.0,
        max_bytes: int = 2_000_000,
    ) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allow_networks]
        self.timeout = timeout
        self.max_bytes = max_bytes

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Only http and https URLs can be fetched, not {url!r}.", url=url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise FetchFailed(f"The host {parts.hostname!r} could not be found.", url=url) from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not self.permitted(address):
                raise FetchRefused(
                    f"{parts.hostname} resolves to {address}, a private or local address; "
                    "such addresses are not fetched.",
                    url=url,
                )

    def permitted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        if any(address in network for network in self.allowed):
            return True
        return address.is_global and not address.is_multicast

    def get_json(self, url: str) -> dict[str, Any]:
        current = url
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                self.check(current)
                try:
                    with client.stream("GET", current, headers={"Accept": ACCEPT}) as response:
                        if response.is_redirect and "location" in response.headers:
                            current = urljoin(current, response.headers["location"])
                            continue
                        body = self._read(response, current)
                except httpx.HTTPError as error:
                    raise FetchFailed(
                        f"{current} could not be fetched: {error}", url=current
                    ) from None
                return self._parse(body, current)
        raise FetchFailed(f"{url} redirected more than {MAX_REDIRECTS} times.", url=url)

    def _read(self, response: httpx.Response, url: str) -> bytes:
        if response.status_code != 200:
            raise FetchFailed(f"{url} answered {response.status_code}.", url=url)
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchFailed(f"{url} sent more than {self.max_bytes} bytes.", url=url)
        return body

    @staticmethod
    def _parse(body: bytes, url: str) -> dict[str, Any]:
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise FetchFailed(f"{url} did not answer with JSON.", url=url) from None
        if not isinstance(document, dict):
            raise FetchFailed(f"{url} did not answer with a JSON object.", url=url)
        return document
