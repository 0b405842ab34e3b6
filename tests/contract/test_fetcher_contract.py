"""One contract for every fetcher of other sites' documents: the guarded fetcher, over
HTTP to a local server this test starts on 127.0.0.1 (with loopback allowed, as the
fetch tests do), and the in-memory fake the application's unit tests use.

What only the guarded fetcher can show (deadlines against slow sites, the limit on
fetches at once, DNS rebinding, every spelling of a private address) is in
tests/unit/test_fetch.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

import pytest

from domain.ports.fetcher import Fetcher, FetchFailed, FetchRefused
from infra.fetch import GuardedFetcher
from tests.fakes import MemoryFetcher

LOOPBACK = ("127.0.0.0/8",)


@dataclass
class Routes:
    """What the other site answers, by path: a document, a status, or a redirect."""

    documents: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)


class Site(Protocol):
    @property
    def fetcher(self) -> Fetcher: ...

    def url(self, path: str) -> str: ...

    def serve(self, path: str, document: Any) -> None: ...

    def answer(self, path: str, status: int) -> None: ...

    def redirect(self, path: str, to: str) -> None: ...

    def received(self) -> list[tuple[str, bytes, dict[str, str]]]: ...


class HttpSite:
    """A small local web server standing in for another site, and the guarded fetcher."""

    def __init__(self, max_bytes: int) -> None:
        self.routes = Routes()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.routes))
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.fetcher = GuardedFetcher(LOOPBACK, timeout=5.0, deadline=5.0, max_bytes=max_bytes)

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, document: Any) -> None:
        self.routes.documents[path] = document

    def answer(self, path: str, status: int) -> None:
        self.routes.statuses[path] = status

    def redirect(self, path: str, to: str) -> None:
        self.routes.redirects[path] = to

    def received(self) -> list[tuple[str, bytes, dict[str, str]]]:
        return list(self.routes.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(routes: Routes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in routes.redirects:
                self.send_response(302)
                self.send_header("Location", routes.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = routes.statuses.get(self.path, 200 if self.path in routes.documents else 404)
            body = json.dumps(routes.documents.get(self.path, {})).encode()
            self._send(status, body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            routes.received.append(
                (self.path, body, {k.lower(): v for k, v in self.headers.items()})
            )
            self._send(routes.statuses.get(self.path, 201), b"{}")

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    return Handler


class MemorySite:
    """The same site as URLs in the fake's dictionaries."""

    base = "https://other.example"

    def __init__(self, max_bytes: int) -> None:
        self.fetcher = MemoryFetcher(max_bytes=max_bytes, deadline=5.0)

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, document: Any) -> None:
        self.fetcher.documents[self.url(path)] = document

    def answer(self, path: str, status: int) -> None:
        self.fetcher.statuses[self.url(path)] = status

    def redirect(self, path: str, to: str) -> None:
        self.fetcher.redirects[self.url(path)] = to

    def received(self) -> list[tuple[str, bytes, dict[str, str]]]:
        return [
            (url.removeprefix(self.base), body, {k.lower(): v for k, v in headers.items()})
            for url, body, headers in self.fetcher.posted
        ]


MAX_BYTES = 4000


@pytest.fixture(params=["guarded-http", "memory"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    if request.param == "memory":
        yield MemorySite(MAX_BYTES)
        return
    served = HttpSite(MAX_BYTES)
    yield served
    served.close()


DOCUMENT = {"@id": "x", "name": "Morning circles", "isBasedOn": [{"@id": "y"}]}


def test_a_served_document_is_fetched_as_it_was_served(site: Site) -> None:
    site.serve("/api/v1/artifacts/1", DOCUMENT)
    assert site.fetcher.get_json(site.url("/api/v1/artifacts/1")) == DOCUMENT


def test_the_fetcher_names_its_deadline(site: Site) -> None:
    assert site.fetcher.deadline == 5.0


@pytest.mark.parametrize("status", [401, 404, 410, 500, 503])
def test_an_answer_other_than_200_fails_and_says_what_was_answered(site: Site, status: int) -> None:
    site.serve("/gone", DOCUMENT)
    site.answer("/gone", status)
    with pytest.raises(FetchFailed) as failed:
        site.fetcher.get_json(site.url("/gone"))
    assert failed.value.extra["answered"] == status
    assert site.url("/gone") in failed.value.detail


def test_a_path_with_nothing_there_answers_404(site: Site) -> None:
    with pytest.raises(FetchFailed) as failed:
        site.fetcher.get_json(site.url("/nothing"))
    assert failed.value.extra["answered"] == 404


@pytest.mark.parametrize("document", [[1, 2], "text", 3])
def test_json_that_is_not_an_object_is_refused(site: Site, document: Any) -> None:
    site.serve("/list", document)
    with pytest.raises(FetchFailed, match="JSON object"):
        site.fetcher.get_json(site.url("/list"))


def test_an_answer_over_the_size_cap_is_refused(site: Site) -> None:
    site.serve("/big", {"text": "x" * MAX_BYTES})
    with pytest.raises(FetchFailed, match=f"more than {MAX_BYTES} bytes"):
        site.fetcher.get_json(site.url("/big"))


def test_redirects_are_followed_to_the_document(site: Site) -> None:
    site.serve("/json", DOCUMENT)
    site.redirect("/moved", "/json")
    site.redirect("/moved-twice", site.url("/moved"))
    assert site.fetcher.get_json(site.url("/moved-twice")) == DOCUMENT


def test_endless_redirects_fail(site: Site) -> None:
    site.redirect("/loop", "/loop")
    with pytest.raises(FetchFailed, match="redirected more than 3 times"):
        site.fetcher.get_json(site.url("/loop"))


def test_a_redirect_to_a_private_address_is_refused(site: Site) -> None:
    site.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data")
    with pytest.raises(FetchRefused):
        site.fetcher.get_json(site.url("/to-metadata"))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "http://10.1.2.3/", "http://[fc00::1]/"]
)
def test_other_schemes_and_private_addresses_are_refused(site: Site, url: str) -> None:
    with pytest.raises(FetchRefused):
        site.fetcher.get_json(url)
    with pytest.raises(FetchRefused):
        site.fetcher.post_json(url, {"notice_id": "n"})
    assert site.received() == []


def test_a_post_sends_json_and_answers_the_status(site: Site) -> None:
    status = site.fetcher.post_json(site.url("/inbox"), {"notice_id": "n-1", "n": 2})
    assert status == 201
    [(path, body, _)] = site.received()
    assert path == "/inbox" and json.loads(body) == {"notice_id": "n-1", "n": 2}


def test_a_post_of_bytes_sends_them_exactly_with_the_headers(site: Site) -> None:
    signed = b'{"b":1,"a":2}'
    site.answer("/signed", 202)
    status = site.fetcher.post_json(
        site.url("/signed"), signed, headers={"Signature": "sig1=:abc:"}
    )
    assert status == 202
    [(path, body, headers)] = site.received()
    assert (path, body, headers["signature"]) == ("/signed", signed, "sig1=:abc:")


@pytest.mark.parametrize("status", [400, 404, 410, 503])
def test_a_post_answers_refusals_as_statuses_not_errors(site: Site, status: int) -> None:
    site.answer("/refusing", status)
    assert site.fetcher.post_json(site.url("/refusing"), {"notice_id": "n"}) == status
