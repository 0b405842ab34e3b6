"""One contract for every outbox: SQLite and PostgreSQL (in the event store's database,
as ``infra.bootstrap`` builds it) and the in-memory fake the application's unit tests use.

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from domain.outbox import FAILED, PENDING, SENT, Notice, Outbox
from infra.outbox import build_outbox
from infra.settings import Settings
from tests.fakes import MemoryOutbox

APP = "Archive#outbox"
NOW = 1_000_000.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "memory"])
def outbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outbox]:
    if request.param == "memory":
        yield MemoryOutbox()
        return
    settings = Settings(data_dir=tmp_path / "data", load_demo=False)
    if request.param == "postgres":
        settings = settings.model_copy(
            update={
                "database_url": request.getfixturevalue("postgres_url"),
                "database_schema": request.getfixturevalue("postgres_schema"),
            }
        )
    built = build_outbox(settings.eventsourcing_env())
    yield built
    built.close()


def notice(n: int, artifact: str = "a-1", position: int | None = None) -> Notice:
    payload = {"artifact_id": artifact, "version": n, "nested": {"list": [1, "two"]}}
    return Notice(f"n-{n}", "test", f"https://x.example/{n}", payload, position or n)


def test_notices_are_stored_pending_with_the_tracking_position(outbox: Outbox) -> None:
    assert outbox.max_tracking_id(APP) is None
    outbox.add([notice(1), notice(2)], Tracking(APP, 7), NOW)
    assert outbox.max_tracking_id(APP) == 7
    assert outbox.max_tracking_id("Other") is None
    entry = outbox.get("n-1")
    assert entry is not None
    assert entry.notice == notice(1), "the payload comes back as it was given"
    assert (entry.state, entry.attempts, entry.created_at) == (PENDING, 0, NOW)
    assert (entry.next_attempt_at, entry.last_error, entry.sent_at) == (NOW, None, None)
    assert outbox.counts() == {PENDING: 2, SENT: 0, FAILED: 0}
    assert outbox.get("n-none") is None


def test_a_position_is_recorded_once_and_only_forwards(outbox: Outbox) -> None:
    outbox.add([notice(1)], Tracking(APP, 5), NOW)
    for position in (5, 4):
        with pytest.raises(IntegrityError):
            outbox.add([notice(9)], Tracking(APP, position), NOW)
    assert outbox.get("n-9") is None, "a batch whose position fails keeps nothing"
    outbox.add([], Tracking(APP, 6), NOW)
    assert outbox.max_tracking_id(APP) == 6


def test_a_notice_id_is_stored_once(outbox: Outbox) -> None:
    outbox.add([notice(1)], Tracking(APP, 1), NOW)
    outbox.add([notice(1), notice(2)], Tracking(APP, 2), NOW + 5)
    assert [e.notice.id for e in outbox.entries()] == ["n-2", "n-1"]
    first = outbox.get("n-1")
    assert first is not None and first.created_at == NOW, "the first one stays"


def test_a_received_notice_is_accepted_once(outbox: Outbox) -> None:
    received = Notice("r-1", "withdrawal-received", "https://here/1", {"artifact_id": "a"})
    assert outbox.accept(received, NOW) is True
    assert outbox.accept(received, NOW + 1) is False
    entry = outbox.get("r-1")
    assert entry is not None and entry.notice.position == 0 and entry.state == PENDING
    assert outbox.max_tracking_id(APP) is None, "accepting records no position"


def test_due_entries_come_by_next_attempt_then_position(outbox: Outbox) -> None:
    outbox.add([notice(3), notice(1), notice(2)], Tracking(APP, 3), NOW)
    outbox.retry("n-1", 1, NOW + 60, "try again")
    assert [e.notice.id for e in outbox.due(NOW, 10)] == ["n-2", "n-3"]
    assert [e.notice.id for e in outbox.due(NOW, 1)] == ["n-2"]
    assert [e.notice.id for e in outbox.due(NOW + 60, 10)] == ["n-2", "n-3", "n-1"]
    assert outbox.due(NOW - 1, 10) == []


def test_a_claim_takes_an_entry_for_one_sender_only(outbox: Outbox) -> None:
    outbox.add([notice(1)], Tracking(APP, 1), NOW)
    assert outbox.claim("n-1", NOW, NOW + 30) is True
    assert outbox.claim("n-1", NOW, NOW + 30) is False, "another sender saw the old time"
    assert outbox.due(NOW + 29, 10) == []
    assert [e.notice.id for e in outbox.due(NOW + 30, 10)] == ["n-1"]
    assert outbox.claim("n-none", NOW, NOW + 30) is False


def test_delivered_retried_and_failed_entries(outbox: Outbox) -> None:
    outbox.add([notice(1), notice(2), notice(3)], Tracking(APP, 3), NOW)
    outbox.delivered("n-1", 1, NOW + 1, "recorded")
    outbox.retry("n-2", 2, NOW + 20, "answered 503")
    outbox.failed("n-3", 5, "refused (400)")
    sent, pending, failed = outbox.get("n-1"), outbox.get("n-2"), outbox.get("n-3")
    assert sent is not None and pending is not None and failed is not None
    assert (sent.state, sent.attempts, sent.sent_at, sent.last_error) == (
        SENT,
        1,
        NOW + 1,
        "recorded",
    )
    assert sent.next_attempt_at is None
    assert (pending.state, pending.attempts, pending.next_attempt_at) == (PENDING, 2, NOW + 20)
    assert (pending.last_error, pending.sent_at) == ("answered 503", None)
    assert (failed.state, failed.attempts, failed.last_error) == (FAILED, 5, "refused (400)")
    assert failed.next_attempt_at is None and failed.sent_at is None
    assert outbox.counts() == {PENDING: 1, SENT: 1, FAILED: 1}
    assert outbox.due(NOW + 100, 10) == [pending]
    outbox.delivered("n-2", 3, NOW + 30, "")
    now_sent = outbox.get("n-2")
    assert now_sent is not None and now_sent.last_error is None, "an empty note is no error"


def test_entries_newest_first_by_state_and_limit(outbox: Outbox) -> None:
    outbox.add([notice(1), notice(2), notice(3)], Tracking(APP, 3), NOW)
    outbox.delivered("n-2", 1, NOW, "ok")
    assert [e.notice.id for e in outbox.entries()] == ["n-3", "n-2", "n-1"]
    assert [e.notice.id for e in outbox.entries(limit=2)] == ["n-3", "n-2"]
    assert [e.notice.id for e in outbox.entries(PENDING)] == ["n-3", "n-1"]
    assert [e.notice.id for e in outbox.entries(SENT)] == ["n-2"]
    assert outbox.entries(FAILED) == []


def test_the_notices_about_one_artifact(outbox: Outbox) -> None:
    outbox.add(
        [notice(1, "a-1"), notice(2, "a-2"), notice(3, "a-1"), notice(4, "a-10")],
        Tracking(APP, 4),
        NOW,
    )
    assert [e.notice.id for e in outbox.about("a-1")] == ["n-3", "n-1"]
    assert [e.notice.id for e in outbox.about("a-1", limit=1)] == ["n-3"]
    assert outbox.about("a-3") == []


def test_how_many_of_a_kind_wait_for_a_site(outbox: Outbox) -> None:
    received = [
        Notice(f"r-{n}", "received", f"https://{site}/api/v1/artifacts/{n}", {})
        for n, site in enumerate(["a.example", "a.example", "ab.example", "b.example"])
    ]
    for entry in received:
        outbox.accept(entry, NOW)
    outbox.add([notice(9)], Tracking(APP, 9), NOW)
    outbox.delivered("r-1", 1, NOW, "done")
    assert outbox.waiting("received") == 3
    assert outbox.waiting("received", "https://a.example/") == 1, "pending ones only"
    assert outbox.waiting("received", "https://b.example/") == 1
    assert outbox.waiting("test") == 1
    assert outbox.waiting("other") == 0
