"""The outbox sender: follows the event log, stores the notices events call for, sends them.

It runs in the indexer process, in a thread of its own (``commonplace serve``
starts the indexer, so a served site delivers its notices). Each step first
turns the next batch of the log into outbox entries (with the tracking position
in the same transaction), then attempts the entries that are due. A failed
attempt is retried after 2, 4, 8… seconds (capped), and given up with its
reason after ``max_attempts``; a notice a receiver refuses outright is given up
at once. Entries are claimed before each attempt, so two senders never send
the same entry at the same moment; a sender that dies mid-attempt leaves a
claim that expires, and the entry is sent again (at least once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import PersistenceError, Tracking

from domain.app.adaptation_receipt import RECEIVED as ADAPTATION_RECEIVED
from domain.application import Archive
from domain.notifications import INBOX, delivery_failed, wanted
from domain.outbox import Notice, Notifier, Outbox, OutboxEntry, Outcome, backoff
from infra.bootstrap import Container
from infra.mail import KIND as EMAIL_KIND
from infra.mail import EmailNotifier, SmtpMailer, SmtpSettings

log = logging.getLogger("commonplace.outbox")
# Given up without telling the inbox: an email is not news there, and a refused
# incoming adaptation notice (anyone may send one) is shown at the outbox, not pushed.
QUIET = frozenset({EMAIL_KIND, ADAPTATION_RECEIVED})


class OutboxSender:
    def __init__(
        self,
        archive: Archive,
        outbox: Outbox,
        notifiers: Sequence[Notifier],
        *,
        batch_size: int = 200,
        base_backoff: float = 2.0,
        max_backoff: float = 900.0,
        max_attempts: int = 20,
        claim_seconds: float = 120.0,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.time,
        on_given_up: Callable[[OutboxEntry, str], None] | None = None,
    ) -> None:
        self.archive = archive
        self.outbox = outbox
        self.notifiers = {n.kind: n for n in notifiers}
        self.by_topic: dict[str, list[Notifier]] = {}
        for notifier in notifiers:
            for topic in notifier.topics:
                self.by_topic.setdefault(topic, []).append(notifier)
        self.on_given_up = on_given_up
        self.batch_size = batch_size
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self.max_attempts = max_attempts
        self.claim_seconds = claim_seconds
        self.poll_interval = poll_interval
        self.clock = clock

    # -- from events to entries ----------------------------------------------

    @property
    def tracking_name(self) -> str:
        """The outbox's own tracking row. Every read model in the event store's database
        shares one ``tracking`` table: under the application's bare name the outbox would
        take the publications view's position and never notice what that view had read."""
        return f"{self.archive.name}#outbox"

    def enqueue(self) -> int:
        """Stores the notices the next batch of events calls for; returns the batch size."""
        position = self.outbox.max_tracking_id(self.tracking_name) or 0
        batch = self.archive.recorder.select_notifications(position + 1, self.batch_size)
        if not batch:
            return 0
        notices: list[Notice] = []
        for item in batch:
            interested = self.by_topic.get(item.topic, [])
            if interested:
                event = self.archive.mapper.to_domain_event(item)
                for notifier in interested:
                    notices.extend(notifier.notices(event, item.id))
        self.outbox.add(notices, Tracking(self.tracking_name, batch[-1].id), self.clock())
        return len(batch)

    # -- delivering ----------------------------------------------------------

    def deliver_due(self) -> int:
        """Attempts every entry that is due; returns how many were attempted."""
        attempted = 0
        for entry in self.outbox.due(self.clock(), self.batch_size):
            if entry.next_attempt_at is None or not self.outbox.claim(
                entry.notice.id, entry.next_attempt_at, self.clock() + self.claim_seconds
            ):
                continue
            attempted += 1
            self._attempt(entry)
        return attempted

    def _attempt(self, entry: OutboxEntry) -> None:
        notice, attempts = entry.notice, entry.attempts + 1
        notifier = self.notifiers.get(notice.kind)
        if notifier is None:
            outcome = Outcome.give_up(f"No sender for notices of kind {notice.kind!r}.")
        else:
            outcome = self._deliver(notifier, notice)
        if outcome.delivered:
            log.info("Notice %s to %s delivered (%s)", notice.id, notice.target, outcome.reason)
            self.outbox.delivered(notice.id, attempts, self.clock(), outcome.reason)
        elif outcome.retry and attempts < self.max_attempts:
            wait = backoff(attempts, self.base_backoff, self.max_backoff)
            log.warning(
                "Notice %s to %s failed (%s); retrying in %.0fs",
                notice.id,
                notice.target,
                outcome.reason,
                wait,
            )
            self.outbox.retry(notice.id, attempts, self.clock() + wait, outcome.reason)
        else:
            log.warning("Notice %s to %s given up: %s", notice.id, notice.target, outcome.reason)
            self.outbox.failed(notice.id, attempts, outcome.reason)
            if self.on_given_up is not None:
                self.on_given_up(entry, outcome.reason)

    @staticmethod
    def _deliver(notifier: Notifier, notice: Notice) -> Outcome:
        try:
            return notifier.deliver(notice)
        except (PersistenceError, OSError) as error:  # our own store or disk: try again
            return Outcome.again(f"Could not record the delivery here: {error}")
        except (KeyError, TypeError, ValueError) as error:  # a malformed notice stays so
            log.exception("Notice %s cannot be delivered", notice.id)
            return Outcome.give_up(f"This notice is malformed ({type(error).__name__}).")

    # -- running -------------------------------------------------------------

    def step(self) -> int:
        return self.enqueue() + self.deliver_due()

    def catch_up(self) -> None:
        """Enqueue everything and attempt everything due now (for tests and tools)."""
        while self.step():
            pass

    def run(self, stop: threading.Event) -> None:
        log.info("Outbox sender started")
        failures = 0
        while not stop.is_set():
            try:
                busy = self.step()
            except (PersistenceError, OSError) as error:
                failures += 1
                wait = backoff(failures, 0.5, 30.0)
                log.error("Outbox step failed (retrying in %.1fs): %s", wait, error)
                stop.wait(wait)
                continue
            failures = 0
            if not busy:
                stop.wait(self.poll_interval)


def start_sender(sender: OutboxSender, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=sender.run, args=(stop,), daemon=True, name="outbox")
    thread.start()
    return thread


def sender_for(container: Container) -> OutboxSender:
    """The sender for everything this site notifies: other sites, and email when set up."""
    from services.indexer.inbox import ArchiveDirectory

    directory = ArchiveDirectory(container.archive)
    notifiers: list[Notifier] = container.adaptations.notifiers()
    email = email_notifier(container, directory)
    if email is not None:
        notifiers.append(email)
    return OutboxSender(
        container.archive,
        container.outbox,
        notifiers,
        on_given_up=GivenUp(container, directory),
    )


def email_notifier(container: Container, directory: Any) -> EmailNotifier | None:
    settings = container.settings
    if not settings.smtp_host:
        return None
    smtp = SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        user=settings.smtp_user,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )
    return EmailNotifier(SmtpMailer(smtp), directory, settings.base_url, settings.site_name)


@dataclass
class GivenUp:
    """Tells the editors' inboxes of a notice to another site that was given up."""

    container: Container
    directory: Any

    def __call__(self, entry: OutboxEntry, reason: str) -> None:
        if entry.notice.kind in QUIET:
            return
        notice = entry.notice
        found = [
            n
            for n in delivery_failed(notice.id, notice.target, reason, self.directory.editors())
            if wanted(n, self.directory, INBOX)
        ]
        try:
            self.container.inbox.add(found, None, self.container.clock.now().timestamp())
        except (PersistenceError, OSError):
            log.exception("Could not tell the editors that notice %s was given up", notice.id)
