"""The outbox on SQLite and PostgreSQL: entries follow the log once, survive restarts,
are retried with exponential backoff, and are given up with a reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import OperationalError
from eventsourcing.utils import get_topic

from domain.application import Archive
from domain.artifact import Artifact
from domain.outbox import FAILED, PENDING, SENT, Notice, Outcome
from infra.bootstrap import Container, build, build_indexer, seed_frameworks
from infra.settings import Settings
from services.indexer.outbox import OutboxSender
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class FakeNotifier:
    """A stand-in notifier: one notice per publication; outcomes scripted by the test."""

    kind = "test"
    topics: tuple[str, ...] = (get_topic(Artifact.Published),)  # type: ignore[attr-defined]

    def __init__(self, outcomes: list[Outcome] | None = None) -> None:
        self.outcomes = outcomes or []
        self.delivered: list[str] = []

    def notices(self, event: Any, position: int) -> list[Notice]:
        artifact = str(event.originator_id)
        return [Notice(f"n-{artifact}", self.kind, f"https://x.example/{artifact}", {}, position)]

    def deliver(self, notice: Notice) -> Outcome:
        self.delivered.append(notice.id)
        return self.outcomes.pop(0) if self.outcomes else Outcome.done("ok")


def published(archive: Archive) -> str:
    created = archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return created.id


def sender(container: Container, notifier: FakeNotifier, clock: Clock, **kw: Any) -> OutboxSender:
    return OutboxSender(container.archive, container.outbox, [notifier], clock=clock, **kw)


def test_entries_follow_the_log_once_and_survive_a_restart(settings: Settings) -> None:
    clock = Clock()
    with build(settings) as first:
        seed_frameworks(first.archive)
        seed_places(first.archive)
        artifact = published(first.archive)
        follower = sender(first, FakeNotifier(), clock)
        assert follower.enqueue() > 0
        assert follower.enqueue() == 0
        head = first.archive.head
    with build(settings) as again:
        assert again.outbox.max_tracking_id(f"{again.archive.name}#outbox") == head
        follower = sender(again, FakeNotifier(), clock)
        assert follower.enqueue() == 0  # nothing is stored twice after a restart
        entries = again.outbox.entries()
        assert [(e.notice.id, e.state) for e in entries] == [(f"n-{artifact}", PENDING)]
        assert again.outbox.counts() == {PENDING: 1, SENT: 0, FAILED: 0}


def test_the_outbox_keeps_its_own_place_when_the_publications_view_is_ahead(
    settings: Settings,
) -> None:
    """Both follow the log in the event store's database; neither skips the other's events."""
    clock = Clock()
    with build(settings) as container:
        seed_frameworks(container.archive)
        seed_places(container.archive)
        artifact = published(container.archive)
        archive = container.archive
        indexer = build_indexer(container)
        while indexer.step_publications():
            pass
        follower = sender(container, FakeNotifier(), clock)
        while follower.enqueue():
            pass
        assert [e.notice.id for e in container.outbox.entries()] == [f"n-{artifact}"]
        assert container.publications.max_tracking_id(archive.name) == archive.head


def test_failures_back_off_exponentially_then_are_given_up(container: Container) -> None:
    clock = Clock()
    down = [Outcome.again("receiver down")] * 4
    follower = sender(container, FakeNotifier(down), clock, base_backoff=2, max_attempts=4)
    published(container.archive)
    follower.enqueue()
    waits = []
    for _ in range(3):
        assert follower.deliver_due() == 1
        (entry,) = container.outbox.entries()
        assert entry.state == PENDING and entry.last_error == "receiver down"
        assert entry.next_attempt_at is not None
        waits.append(entry.next_attempt_at - clock.now)
        assert follower.deliver_due() == 0  # not due yet
        clock.now = entry.next_attempt_at
    assert waits == [2, 4, 8]
    assert follower.deliver_due() == 1
    (entry,) = container.outbox.entries(FAILED)
    assert entry.attempts == 4 and entry.last_error == "receiver down"


def test_a_notice_is_delivered_once_the_receiver_is_back(container: Container) -> None:
    clock = Clock()
    notifier = FakeNotifier([Outcome.again("down"), Outcome.again("down")])
    follower = sender(container, notifier, clock, base_backoff=1)
    published(container.archive)
    follower.enqueue()
    for _ in range(3):
        follower.deliver_due()
        clock.now += 10
    (entry,) = container.outbox.entries()
    assert entry.state == SENT and entry.attempts == 3 and entry.sent_at is not None
    assert len(notifier.delivered) == 3
    follower.catch_up()
    assert len(notifier.delivered) == 3  # a sent notice is not sent again


def test_a_refused_notice_is_given_up_at_once(container: Container) -> None:
    clock = Clock()
    follower = sender(container, FakeNotifier([Outcome.give_up("refused (404)")]), clock)
    published(container.archive)
    follower.catch_up()
    (entry,) = container.outbox.entries()
    assert (entry.state, entry.attempts, entry.last_error) == (FAILED, 1, "refused (404)")


def test_an_entry_is_claimed_by_one_sender_only(container: Container) -> None:
    clock = Clock()
    follower = sender(container, FakeNotifier(), clock)
    published(container.archive)
    follower.enqueue()
    (entry,) = container.outbox.due(clock.now, 10)
    assert entry.next_attempt_at is not None
    assert container.outbox.claim(entry.notice.id, entry.next_attempt_at, clock.now + 60)
    assert not container.outbox.claim(entry.notice.id, entry.next_attempt_at, clock.now + 60)
    assert container.outbox.due(clock.now, 10) == []
    clock.now += 61  # the claimant died: the claim expires and the entry is sent again
    assert follower.deliver_due() == 1


class BrokenNotifier(FakeNotifier):
    """A stand-in notifier whose store is briefly unavailable, then whose notice is malformed."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def deliver(self, notice: Notice) -> Outcome:
        self.calls += 1
        if self.calls == 1:
            raise OperationalError("database is locked")
        raise KeyError("artifact_id")


def test_errors_while_delivering_are_retried_or_given_up_without_stopping(
    container: Container,
) -> None:
    clock = Clock()
    follower = sender(container, BrokenNotifier(), clock, base_backoff=1)
    published(container.archive)
    follower.enqueue()
    follower.deliver_due()
    (entry,) = container.outbox.entries()
    assert entry.state == PENDING and "database is locked" in (entry.last_error or "")
    clock.now += 5
    follower.deliver_due()
    (entry,) = container.outbox.entries()
    assert entry.state == FAILED and "malformed" in (entry.last_error or "")
