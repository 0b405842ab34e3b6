"""The indexer process: follows the archive's log and keeps the search index current.

It reads the notification log in order, in batches when behind, and writes each
batch to the index together with an eventsourcing ``Tracking`` record; the
position only moves once the index confirmed the write. A failed write is
retried with backoff and reported in the status the API shows. On PostgreSQL
the library's subscription (LISTEN/NOTIFY) wakes it when events arrive; SQLite
has no subscriptions, so there it polls.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from eventsourcing.persistence import PersistenceError, Tracking

from domain.application import Archive
from infra.coordination import Coordination
from infra.search.port import SearchIndex, SearchUnavailable
from services.indexer.projection import SearchProjection
from services.indexer.publications import PublicationsProjection

log = logging.getLogger("commonplace.indexer")


class Wakeup:
    """Signals new events: the recorder's subscription where it has one, else a timer."""

    def __init__(self, archive: Archive, poll_interval: float) -> None:
        self.poll_interval = poll_interval
        self.event = threading.Event()
        self.subscription: Any = None
        try:
            self.subscription = archive.recorder.subscribe(gt=archive.head)
        except NotImplementedError:
            return
        threading.Thread(target=self._listen, daemon=True, name="indexer-wakeup").start()

    @property
    def mode(self) -> str:
        return "subscription" if self.subscription is not None else "polling"

    def _listen(self) -> None:
        try:
            for _ in self.subscription:
                self.event.set()
        except Exception:
            log.warning("Subscription ended; falling back to polling", exc_info=True)
            self.subscription = None

    def wait(self, stop: threading.Event) -> None:
        if self.subscription is not None:
            self.event.wait(timeout=1.0)  # also a safety net if a notification is missed
            self.event.clear()
        else:
            stop.wait(self.poll_interval)

    def close(self) -> None:
        if self.subscription is not None:
            self.subscription.stop()


class Indexer:
    def __init__(
        self,
        archive: Archive,
        index: SearchIndex,
        coordination: Coordination,
        *,
        publications: Any = None,
        batch_size: int = 500,
        poll_interval: float = 0.05,
        max_backoff: float = 30.0,
    ) -> None:
        self.archive = archive
        self.index = index
        self.coordination = coordination
        self.projection = SearchProjection(archive)
        self.publications = publications
        self.publications_projection = PublicationsProjection(archive)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.status: dict[str, Any] = {"last_error": None, "retries": 0}

    def step(self) -> int:
        """Apply the next batch to each view; returns how many notifications were covered."""
        return self.step_search() + self.step_publications()

    def step_publications(self) -> int:
        if self.publications is None:
            return 0
        position = self.publications.max_tracking_id(self.archive.name) or 0
        batch = self.archive.recorder.select_notifications(position + 1, self.batch_size)
        if not batch:
            return 0
        events = self.publications_projection.events(batch)
        self.publications.apply(events, Tracking(self.archive.name, batch[-1].id))
        return len(batch)

    def step_search(self) -> int:
        with self.coordination.lock():
            position = self.index.position(self.archive.name)
            batch = self.archive.recorder.select_notifications(position + 1, self.batch_size)
            if not batch:
                return 0
            changes = self.projection.changes(batch)
            tracking = Tracking(self.archive.name, batch[-1].id)
            self.index.apply(changes.upserts.values(), changes.deletions, tracking)
        return len(batch)

    def catch_up(self) -> None:
        while self.step():
            pass

    def run(self, stop: threading.Event) -> None:
        wakeup = Wakeup(self.archive, self.poll_interval)
        log.info("Indexer started (%s)", wakeup.mode)
        backoff = 0.0
        try:
            while not stop.is_set():
                try:
                    applied = self.step()
                except (SearchUnavailable, PersistenceError, OSError) as error:
                    backoff = min(self.max_backoff, max(0.5, backoff * 2))
                    self._failed(error, backoff)
                    stop.wait(backoff)
                    continue
                if backoff or self.status.get("last_error"):
                    backoff = 0.0
                    self._recovered()
                if not applied:
                    wakeup.wait(stop)
        finally:
            wakeup.close()

    def _failed(self, error: Exception, backoff: float) -> None:
        log.error("Index write failed (retrying in %.1fs): %s", backoff, error)
        self.status.update(
            last_error=str(error),
            last_error_at=time.time(),
            retries=int(self.status.get("retries") or 0) + 1,
        )
        self._save_status()

    def _recovered(self) -> None:
        log.info("Index writes succeed again")
        self.status.update(last_error=None, retries=0, recovered_at=time.time())
        self._save_status()

    def _save_status(self) -> None:
        try:
            self.coordination.save_status(self.status)
        except (OSError, PersistenceError):
            log.warning("Could not save the indexer status", exc_info=True)
