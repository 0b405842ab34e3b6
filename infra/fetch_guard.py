"""The network side of guarded fetching: which addresses may be reached, and how.

``AddressPolicy`` says whether an address is public: besides the ranges Python
already calls private, it looks inside IPv6 forms that embed an IPv4 address
(IPv4-mapped ``::ffff:``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``
and ``64:ff9b:1::/48``, IPv4-translated ``::ffff:0:0:0/96``, 6to4 ``2002::/16``,
Teredo) and judges the embedded one.

``PinnedBackend`` is an httpcore network backend that resolves a host once,
checks every address it resolved to, and connects to a checked address, so a
name cannot resolve to a public address for the check and a private one for the
connection (DNS rebinding). The Host header and TLS SNI still carry the name,
because httpcore passes the origin's host to ``start_tls`` and httpx sets Host
from the URL. Every read and write on the connection is bounded by one deadline
for the whole fetch, so a server that drips bytes cannot hold a fetch open.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable

import httpcore
import httpx

from domain.ports.fetcher import FetchRefused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# NAT64 (well-known and local-use prefixes) and SIIT IPv4-translated addresses.
TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
)


class AddressPolicy:
    """Public addresses only, unless an address lies in a network allowed by settings."""

    def __init__(self, allow_networks: Iterable[str] = ()) -> None:
        self.allowed = [ipaddress.ip_network(n, strict=False) for n in allow_networks]

    def permitted(self, address: Address) -> bool:
        embedded = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
        if any(address in network for network in self.allowed):
            return True
        if embedded is not None:
            return self.permitted(embedded) and _public(address, ignore_mapped=True)
        return _public(address)

    def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, all checked; refuses if any is not public."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchRefused(f"The host {host!r} could not be found.", host=host) from None
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for text in found:
            if not self.permitted(ipaddress.ip_address(text.split("%", 1)[0])):
                # The resolved address is not repeated: it is a fact about our network.
                raise FetchRefused(
                    f"{host} resolves to a private or local address; such addresses "
                    "are not fetched.",
                    host=host,
                )
        return found


def _public(address: Address, *, ignore_mapped: bool = False) -> bool:
    if address.is_multicast or address.is_unspecified or address.is_loopback:
        return False
    if ignore_mapped:  # the embedded IPv4 address was judged; the wrapper's range is public
        return not address.is_link_local and not getattr(address, "is_site_local", False)
    return address.is_global


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, in any of the usual embeddings."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(address in network for network in TRANSLATED):
        return low
    if int(address) >> 32 == 0:  # IPv4-compatible ::a.b.c.d (also :: and ::1)
        return low
    return None


class Deadline:
    """One point in time a whole fetch (connect, TLS, every read and write) must end by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def clamp(self, timeout: float | None) -> float:
        left = self.remaining()
        if left <= 0:
            raise httpcore.ReadTimeout(f"took longer than {self.seconds:g} s in total")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.clamp(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: object,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wrapped = self.inner.start_tls(
            ssl_context,  # type: ignore[arg-type]
            server_hostname,
            self.deadline.clamp(timeout),
        )
        return DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> object:
        return self.inner.get_extra_info(info)


class PinnedBackend(httpcore.SyncBackend):
    """Resolves once, checks, and connects to the checked address."""

    def __init__(self, policy: AddressPolicy, deadline: Deadline) -> None:
        self.policy = policy
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.policy.resolve(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, self.deadline.clamp(timeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
                continue
            return DeadlineStream(stream, self.deadline)
        raise httpcore.ConnectError("could not connect") from last


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses ``PinnedBackend``."""

    def __init__(self, backend: PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context)  # a ready context: no certificates loaded again
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=1,
            network_backend=backend,
        )
