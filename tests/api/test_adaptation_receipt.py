"""Adaptation notices are kept in the request and verified by the outbox follower.

The request checks only what it can check here (no fetch of another site), keeps
the notice and answers 202; the follower fetches the adaptation's JSON-LD through
the guarded fetcher, follows ``isBasedOn`` back, and records the report or refuses
the notice with the reason. A stand-in for the other site, on 127.0.0.2, serves
documents or a status a test sets.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID

import pytest

from domain.app.adaptation_receipt import TooManyPending
from domain.notifications import DELIVERY_FAILED
from domain.outbox import OutboxEntry
from infra.bootstrap import Container
from infra.fetch import GuardedFetcher
from infra.settings import Settings
from services.indexer.outbox import OutboxSender, sender_for
from tests.api.test_lineage_guards import STANDIN_HOST, create, reports, work
from tests.conftest import Api
from tests.integration.test_notifications_inbox import people


class Site(ThreadingHTTPServer):
    """Another site: ``docs`` by path; ``status`` answers every request with that
    status instead while it is set (a site that is having trouble)."""

    daemon_threads = True
    docs: dict[str, dict[str, Any]]
    status: int | None = None

    @property
    def url(self) -> str:
        return f"http://{STANDIN_HOST}:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        doc = self.server.docs.get(self.path)
        status = self.server.status or (200 if doc else 404)
        body = json.dumps(doc).encode() if status == 200 else b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def other() -> Iterator[Site]:
    server = Site((STANDIN_HOST, 0), Handler)
    server.docs = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "fetch_allow_networks": [f"{STANDIN_HOST}/32"],
            "fetch_deadline_seconds": 2.0,
            "rate_limits_enabled": False,
        }
    )


class Clock:
    """The sender's clock, moved ahead by the test, so a retry is due when the test says."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead

    def waits(self, entry: OutboxEntry) -> float:
        assert entry.next_attempt_at is not None
        return entry.next_attempt_at - self()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender(container: Container, clock: Clock) -> OutboxSender:
    return OutboxSender(
        container.archive, container.outbox, container.adaptations.notifiers(), clock=clock
    )


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the guarded fetcher is asked for, in this process."""
    asked: list[str] = []
    real = GuardedFetcher.get_json

    def get_json(self: GuardedFetcher, url: str, *, wait: float = 0.0) -> dict[str, Any]:
        asked.append(url)
        return real(self, url, wait=wait)

    monkeypatch.setattr(GuardedFetcher, "get_json", get_json)
    return asked


def adaptation_of(container: Container, other: Site, origin: str, name: str = "a1") -> str:
    """An adaptation on the other site, based on ``origin`` here; its address."""
    url = f"{other.url}/api/v1/artifacts/{name}"
    based_on = {"@id": container.records.api_url(origin), "identifier": origin}
    other.docs[f"/api/v1/artifacts/{name}"] = work(url, based_on)
    return url


def tell(api: Api, origin: str, url: str, notice_id: str | None = None) -> Any:
    body = {"adaptation_url": url, **({"notice_id": notice_id} if notice_id else {})}
    return api.client.post(f"/api/v1/artifacts/{origin}/adaptation-notices", json=body)


def entry(container: Container, answer: Any) -> OutboxEntry:
    found = container.outbox.get(answer.json()["id"])
    assert found is not None
    return found


def test_the_request_fetches_nothing_and_the_follower_verifies_and_records(
    api: Api,
    container: Container,
    ready_story: dict[str, Any],
    other: Site,
    sender: OutboxSender,
    fetched: list[str],
) -> None:
    origin = create(api, ready_story, visibility="public")
    url = adaptation_of(container, other, origin)
    answer = tell(api, origin, url, "n-1")
    assert answer.status_code == 202, answer.text
    assert fetched == []  # nothing left the process during the request
    assert answer.json()["status"] == "pending"
    assert answer.json()["lineage"].endswith(f"/api/v1/artifacts/{origin}/lineage")
    assert reports(api, origin) == 0
    sender.catch_up()
    assert fetched == [url]
    assert reports(api, origin) == 1
    assert entry(container, answer).state == "sent"
    lineage = api.client.get(f"/api/v1/artifacts/{origin}/lineage").json()
    assert url in {n["url"] for n in lineage["nodes"]}
    # Told again (a sender that did not hear the answer): known, nothing fetched or recorded.
    again = tell(api, origin, url, "n-1")
    assert again.status_code == 200 and again.json()["status"] == "recorded"
    sender.catch_up()
    assert fetched == [url] and reports(api, origin) == 1


def test_a_forged_notice_is_refused_with_the_reason_and_never_recorded(
    api: Api, container: Container, ready_story: dict[str, Any], other: Site
) -> None:
    editor, _, _ = people(container)
    assert editor.id
    sender = sender_for(container)  # as the indexer runs it, telling inboxes of what fails
    origin = create(api, ready_story, visibility="public")
    unrelated = create(api, ready_story, visibility="public")
    forged = adaptation_of(container, other, unrelated, "forged")  # based on another work
    gone = f"{other.url}/api/v1/artifacts/nothing-here"  # answers 404
    answers = [tell(api, origin, forged), tell(api, origin, gone)]
    assert [a.status_code for a in answers] == [202, 202]
    sender.catch_up()
    assert reports(api, origin) == 0 and reports(api, unrelated) == 0
    refused = [entry(container, a) for a in answers]
    assert [e.state for e in refused] == ["failed", "failed"]
    assert all((e.last_error or "").startswith("Refused: ") for e in refused)
    assert "could not be verified" in (refused[0].last_error or "")
    assert refused[0].attempts == 1 and refused[1].attempts == 1  # refused at once
    # Editors see it with the reason; nobody else does.
    shown = api.client.get(f"/api/v1/artifacts/{origin}/notices", headers=api.as_("editor"))
    assert shown.status_code == 200
    mine = {n["target"]: n for n in shown.json()["notices"]}
    assert mine[forged]["state"] == "failed" and "verified" in mine[forged]["reason"]
    assert api.client.get(f"/api/v1/artifacts/{origin}/notices").status_code == 401
    # Anyone may send a notice, so a refused one is not pushed into editors' inboxes.
    assert [i for i in container.inbox.items(editor.id) if i.kind == DELIVERY_FAILED] == []
    # The same forgery again is answered with its fate, and causes no new work.
    again = tell(api, origin, forged, "another-id")
    assert again.status_code == 200
    assert again.json()["status"] == "refused" and "verified" in again.json()["reason"]


def test_a_site_that_fails_for_a_while_is_tried_again_with_backoff(
    api: Api,
    container: Container,
    ready_story: dict[str, Any],
    other: Site,
    sender: OutboxSender,
    clock: Clock,
) -> None:
    origin = create(api, ready_story, visibility="public")
    url = adaptation_of(container, other, origin)
    other.status = 503
    answer = tell(api, origin, url, "n-1")
    assert answer.status_code == 202
    sender.catch_up()
    waiting = entry(container, answer)
    assert waiting.state == "pending" and waiting.attempts == 1
    assert "503" in (waiting.last_error or "")
    assert sender.base_backoff - 1 < clock.waits(waiting) <= sender.base_backoff
    clock.ahead += sender.base_backoff
    sender.catch_up()  # still failing: the wait doubles
    waiting = entry(container, answer)
    assert waiting.attempts == 2
    assert 2 * sender.base_backoff - 1 < clock.waits(waiting) <= 2 * sender.base_backoff
    assert tell(api, origin, url, "n-2").json()["status"] == "pending"  # no second entry
    other.status = None
    sender.catch_up()  # not due yet
    assert reports(api, origin) == 0
    clock.ahead += 2 * sender.base_backoff
    sender.catch_up()
    assert entry(container, answer).state == "sent"
    assert reports(api, origin) == 1


def test_what_the_request_can_check_is_checked_there(
    api: Api, container: Container, ready_story: dict[str, Any], other: Site
) -> None:
    origin = create(api, ready_story, visibility="public")
    draft = create(api, ready_story)
    shared = create(api, {**ready_story, "syndication": "shared"}, visibility="public")
    url = adaptation_of(container, other, origin)
    missing = "00000000-0000-4000-8000-000000000000"
    assert tell(api, missing, url).status_code == 404
    assert tell(api, draft, url).status_code == 404
    assert tell(api, shared, url).status_code == 409
    for bad in (
        "ftp://elsewhere.example/api/v1/artifacts/1",
        "not a url",
        "http:///api/v1/artifacts/1",
        "https://elsewhere.example",
        "https://someone@elsewhere.example/api/v1/artifacts/1",
        "https://elsewhere.example:99999/api/v1/artifacts/1",
        "http://10.0.0.7/api/v1/artifacts/1",  # a private address the fetcher refuses
        "http://[::1]/api/v1/artifacts/1",
    ):
        refused = tell(api, origin, bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    assert api.client.post(
        f"/api/v1/artifacts/{origin}/adaptation-notices", json={"adaptation_url": 7}
    ).status_code in (400, 422)
    assert container.outbox.counts()["pending"] == 0


def test_pending_notices_are_capped_per_site_and_in_all(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin = create(api, ready_story, visibility="public")
    receipt = container.adaptations.notices.receipt
    receipt.max_pending_per_site, receipt.max_pending = 2, 3
    one = "https://one.example/api/v1/artifacts/"
    assert [tell(api, origin, f"{one}{n}").status_code for n in range(2)] == [202, 202]
    over = tell(api, origin, f"{one}2")
    assert over.status_code == 429, over.text
    assert int(over.headers["Retry-After"]) > 0
    assert over.headers["content-type"] == "application/problem+json"
    assert tell(api, origin, f"{one}0").status_code == 200  # a duplicate is not refused
    # A site whose name only begins like the first one is counted apart.
    assert tell(api, origin, "https://one.example.net/api/v1/artifacts/1").status_code == 202
    full = tell(api, origin, "https://two.example/api/v1/artifacts/1")
    assert full.status_code == 503, full.text
    assert int(full.headers["Retry-After"]) > 0
    assert container.outbox.counts()["pending"] == 3


def test_notices_arriving_at_once_do_not_overshoot_the_cap(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin = UUID(create(api, ready_story, visibility="public"))
    receipt = container.adaptations.notices.receipt
    receipt.max_pending_per_site = 3
    results: list[str] = []

    def send(n: int) -> None:
        url = f"https://one.example/api/v1/artifacts/{n}"
        try:
            receipt.receive(origin, url, None, container.outbox)
            results.append("kept")
        except TooManyPending:
            results.append("refused")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["kept"] * 3 + ["refused"] * 9
