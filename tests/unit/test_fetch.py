"""The guarded fetcher refuses what could reach our own network, at every redirect."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from infra.fetch import FetchFailed, FetchRefused, GuardedFetcher


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
