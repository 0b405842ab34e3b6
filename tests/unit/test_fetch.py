"""The guarded fetcher refuses what could reach our own network, at every redirect."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from infra.fetch import FetchBusy, FetchFailed, FetchRefused, GuardedFetcher


class Handler(BaseHTTPRequestHandler):
    """A small local web server standing in for another site."""

    def do_GET(self) -> None:
        if self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()
            return
        if self.path == "/to-json":
            self.send_response(301)
            self.send_header("Location", "/json")
            self.end_headers()
            return
        body = b'{"name": "ok"}' if self.path == "/json" else b"x" * 5000
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_loopback_is_refused_unless_allowed(site: str) -> None:
    with pytest.raises(FetchRefused, match="private or local"):
        GuardedFetcher().get_json(f"{site}/json")
    assert GuardedFetcher(["127.0.0.0/8"]).get_json(f"{site}/json") == {"name": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://[::1]/",
        "http://169.254.169.254/",
        "gopher://x/",
    ],
)
def test_other_schemes_and_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        GuardedFetcher().check(url)


def test_redirects_are_checked_again(site: str) -> None:
    fetcher = GuardedFetcher(["127.0.0.0/8"])
    assert fetcher.get_json(f"{site}/to-json") == {"name": "ok"}
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254"):
        fetcher.get_json(f"{site}/to-metadata")


def test_large_answers_are_cut_off(site: str) -> None:
    with pytest.raises(FetchFailed, match="more than 1000 bytes"):
        GuardedFetcher(["127.0.0.0/8"], max_bytes=1000).get_json(f"{site}/big")


# -- hostile sites and hostile addresses (issue 10, defects 6 and 13) ---------------------


class DripHandler(BaseHTTPRequestHandler):
    """A stand-in for a hostile site: it answers one byte at a time, slowly."""

    def do_GET(self) -> None:
        if self.path == "/drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
                if not self._send(bytes([byte])):
                    return
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(1000):
            if not self._send(b" "):
                return

    def _send(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        time.sleep(0.1)
        return True

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def drip() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), DripHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_drip_feeding_site_is_cut_off_at_the_total_deadline(drip: str, path: str) -> None:
    fetcher = GuardedFetcher(["127.0.0.0/8"], timeout=5.0, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="did not answer in time"):
        fetcher.get_json(f"{drip}{path}")
    assert time.monotonic() - started < 3.0


def test_fetches_beyond_the_limit_are_refused_not_queued(drip: str) -> None:
    fetcher = GuardedFetcher(["127.0.0.0/8"], deadline=2.0, max_concurrent=1)
    outcome: list[Exception] = []

    def hold() -> None:
        try:
            fetcher.get_json(f"{drip}/drip-body")
        except FetchFailed as error:
            outcome.append(error)

    holding = threading.Thread(target=hold)
    holding.start()
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(FetchBusy) as busy:
        fetcher.get_json(f"{drip}/drip-body")
    assert time.monotonic() - started < 0.5
    assert busy.value.retry_after >= 1
    holding.join()
    assert len(outcome) == 1  # the slow one ended at its deadline


def test_deeply_nested_json_is_refused_cleanly(site: str) -> None:
    with pytest.raises(FetchFailed, match="usable JSON"):
        GuardedFetcher._parse(b"[" * 100_000 + b"]" * 100_000, f"{site}/deep")


@pytest.mark.parametrize(
    "url",
    [
        "http://[::127.0.0.1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://[2002:a00:1::1]/",
        "http://[::ffff:0:7f00:1]/",
        "http://[::]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
    ],
)
def test_private_addresses_in_every_spelling_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        GuardedFetcher().check(url)


@pytest.mark.parametrize(
    "url", ["http://\x00x.example/", "http://xn--/", "https://exa\u2028mple.com/", "http://[::1"]
)
def test_malformed_urls_are_refused_not_crashed_on(url: str) -> None:
    with pytest.raises(FetchRefused, match="not a URL that can be fetched"):
        GuardedFetcher().get_json(url)


def test_public_addresses_inside_ipv6_forms_are_allowed() -> None:
    fetcher = GuardedFetcher()
    for text in ("64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "8.8.8.8"):
        assert fetcher.permitted(ipaddress.ip_address(text)), text


def test_refusals_do_not_reveal_the_resolved_address(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.8.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchRefused) as refused:
        GuardedFetcher().get_json("http://intranet.example/")
    assert "10.9.8.7" not in str(refused.value.detail)
    assert "10.9.8.7" not in repr(refused.value.extra)


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name resolves to a public address once, then to a private one."""
    answers = iter(["1.1.1.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"])
    connected: list[Any] = []

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def connect(address: Any, *args: object, **kwargs: object) -> socket.socket:
        connected.append(address)
        raise ConnectionRefusedError("stand-in: nothing is reached in this test")

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(FetchFailed, match="connection failed") as failed:
        GuardedFetcher().get_json("http://rebind.example/doc")
    assert [host for host, _ in connected] == ["1.1.1.1"]
    assert "1.1.1.1" not in failed.value.detail
