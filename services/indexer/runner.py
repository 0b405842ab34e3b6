"""The indexer process: follows the archive's log and keeps the search index current.

It reads the notification log in order, in batches when behind, and writes each
batch to the index together with an eventsourcing ``Tracking`` record; the
position only moves once the index confirmed the write. The publications read
model is kept the same way. Each view fails and retries with backoff on its own
(see ``views.py``), and both are reported in the status the API shows, with a
heartbeat so that a stopped indexer shows too.

Only one indexer is active per store: a second one waits for the lead lock and
takes over when the first stops. On PostgreSQL the library's subscription
(LISTEN/NOTIFY) wakes it when events arrive; SQLite has no subscriptions, so
there it polls. A lost database connection is an error like any other: reported,
retried with backoff, and the connection is made again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking

from domain.application import Archive
from domain.ports.search import SearchIndex
from infra.coordination import Coordination
from services.indexer.collections import CollectionsFollower as CollectionsFollower
from services.indexer.consent import ConsentFollower as ConsentFollower  # for build_indexer
from services.indexer.inbox import InboxView
from services.indexer.projection import SearchProjection
from services.indexer.publications import PublicationsProjection
from services.indexer.references import ReferencesFollower
from services.indexer.views import TRANSIENT, View

log = logging.getLogger("commonplace.indexer")


class Wakeup:
    """Signals new events: the recorder's subscription where it has one, else a timer."""

    def __init__(self, archive: Archive, poll_interval: float) -> None:
        self.archive = archive
        self.poll_interval = poll_interval
        self.event = threading.Event()
        self.subscription: Any = None
        self.supported = True
        self.next_attempt = 0.0
        self._subscribe()

    @property
    def mode(self) -> str:
        return "subscription" if self.supported else "polling"

    def _subscribe(self) -> None:
        self.next_attempt = time.monotonic() + 5.0
        try:
            self.subscription = self.archive.recorder.subscribe(gt=self.archive.head)
        except NotImplementedError:
            self.supported = False
            return
        except TRANSIENT:
            log.warning("Could not subscribe to the log; polling meanwhile", exc_info=True)
            return
        threading.Thread(target=self._listen, daemon=True, name="indexer-wakeup").start()

    def _listen(self) -> None:
        try:
            for _ in self.subscription:
                self.event.set()
        except Exception:  # whatever ended it, wait() subscribes again
            log.warning("Subscription ended; polling until it is back", exc_info=True)
        self.subscription = None

    def wait(self, stop: threading.Event) -> None:
        if self.subscription is not None:
            self.event.wait(timeout=1.0)  # also a safety net if a notification is missed
            self.event.clear()
            return
        stop.wait(self.poll_interval)
        if self.supported and time.monotonic() >= self.next_attempt:
            self._subscribe()

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
        references: ReferencesFollower | None = None,
        inbox: Any = None,
        consents: ConsentFollower | None = None,
        collections: Any = None,  # services/indexer/collections.py
        batch_size: int = 500,
        poll_interval: float = 0.05,
        max_backoff: float = 30.0,
        heartbeat_seconds: float = 5.0,
    ) -> None:
        self.archive = archive
        self.index = index
        self.coordination = coordination
        self.references = references or ReferencesFollower(archive)
        self.projection = SearchProjection(archive, self.references)
        self.publications = publications
        self.publications_projection = PublicationsProjection(archive)
        self.reached = {"search": -1, "publications": -1}  # where each projection's fold stands
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.heartbeat_seconds = heartbeat_seconds
        # Consent enforcement goes first: what it records is read by the others in the same pass.
        self.consents = consents
        self.views = [View("consents", consents.step)] if consents is not None else []
        self.views.append(View("search", self.step_search))
        if publications is not None:
            self.views.append(View("publications", self.step_publications))
        self.inbox = InboxView(archive, inbox, batch_size) if inbox is not None else None
        if self.inbox is not None:
            self.views.append(View("inbox", self.inbox.step))
        self.collections = collections
        if collections is not None:
            self.views.append(View("collections", collections.step))
        self.lead = View("lead", lambda: 0)  # errors while taking or checking the lead lock
        self.status: dict[str, Any] = {"last_error": None, "retries": 0, "pid": os.getpid()}
        self._saved_at = 0.0
        self.leading = False

    def step(self) -> int:
        """Apply the next batch to each view; returns how many notifications were covered."""
        consents = self.consents.step() if self.consents is not None else 0
        inbox = self.inbox.step() if self.inbox is not None else 0
        collections = self.collections.step() if self.collections is not None else 0
        return consents + self.step_search() + self.step_publications() + inbox + collections

    def step_publications(self) -> int:
        if self.publications is None:
            return 0
        position = self.publications.max_tracking_id(self.archive.name) or 0
        batch = self.archive.recorder.select_notifications(position + 1, self.batch_size)
        if not batch:
            return 0
        projection = self.publications_projection
        with self._following("publications", position, projection.reset):
            events = projection.events(batch)
            self.publications.apply(events, Tracking(self.archive.name, batch[-1].id))
        self.reached["publications"] = batch[-1].id
        return len(batch)

    def step_search(self) -> int:
        with self.coordination.lock():
            position = self.index.position(self.archive.name)
            batch = self.archive.recorder.select_notifications(position + 1, self.batch_size)
            if not batch:
                return 0
            with self._following("search", position, self.projection.reset):
                changes = self.projection.changes(batch)
                tracking = Tracking(self.archive.name, batch[-1].id)
                self.index.apply(changes.upserts.values(), changes.deletions, tracking)
            self.reached["search"] = batch[-1].id
        return len(batch)

    @contextmanager
    def _following(self, view: str, position: int, reset: Callable[[], None]) -> Iterator[None]:
        """Keep a projection's catalogue in step with its view's position.

        The catalogue is folded again from the log when the view's position is not the
        one this projection reached (a rebuild swapped in, another indexer led meanwhile),
        and after a failed write (the batch is read again, catalogue events included).
        """
        if self.reached[view] != position:
            reset()
        try:
            yield
        except BaseException:
            reset()
            self.reached[view] = -1
            raise

    def close(self) -> None:
        self.references.close()

    def catch_up(self) -> None:
        while self.step():
            pass

    def run(self, stop: threading.Event) -> None:
        self._start()
        wakeup = Wakeup(self.archive, self.poll_interval)
        log.info("Indexer started (%s)", wakeup.mode)
        try:
            while not stop.is_set():
                if not self._leading(stop):
                    continue
                applied = self._step_views()
                self._save_status()
                if not applied:
                    wakeup.wait(stop)
        finally:
            wakeup.close()
            if self.leading:
                self.status["state"] = "stopped"
                self._save_status(force=True)
            self.coordination.resign()
            self.close()

    def _start(self) -> None:
        try:  # keep what the supervisor recorded about earlier runs
            supervisor = self.coordination.load_status().get("supervisor")
        except TRANSIENT:
            supervisor = None
        if supervisor:
            self.status["supervisor"] = supervisor
        self.status.update(state="starting", started_at=time.time())

    def _leading(self, stop: threading.Event) -> bool:
        """Whether this indexer is the active one; waits a little when it is not."""
        if self.status.get("state") == "running" and not self.lead.due(time.monotonic()):
            return True
        try:
            leading = self.coordination.lead()
        except TRANSIENT as error:
            self._failed(self.lead, error)
            stop.wait(self.lead.backoff)
            return False
        if self.lead.failing:
            self._recovered(self.lead)
        self.lead.retry_at = time.monotonic() + 1.0  # check the lead again in a second
        if not leading:
            if self.status.get("state") != "waiting":
                log.info("Another indexer is active on this store; waiting for it to stop")
                self.status["state"] = "waiting"
                self.leading = False
            stop.wait(1.0)
            return False
        if self.status.get("state") != "running":
            log.info("This indexer is now the active one")
            self.status["state"] = "running"
            self.leading = True
            self._save_status(force=True)
        return True

    def _step_views(self) -> int:
        applied = 0
        for view in self.views:
            if not view.due(time.monotonic()):
                continue
            try:
                applied += view.step()
            except TRANSIENT as error:
                self._failed(view, error)
                continue
            if view.failing:
                self._recovered(view)
        return applied

    def _failed(self, view: View, error: Exception) -> None:
        backoff = view.failed(error, self.max_backoff)
        log.error("%s failed (retrying in %.1fs): %s", view.name, backoff, error)
        self._save_status(force=True)

    def _recovered(self, view: View) -> None:
        log.info("%s succeeds again", view.name)
        view.recovered()
        self._save_status(force=True)

    def _save_status(self, *, force: bool = False) -> None:
        """Write the status on every change, and as a heartbeat every few seconds.

        Only the active indexer writes it; one waiting for the lead keeps quiet.
        """
        now = time.monotonic()
        if not self.leading or (not force and now - self._saved_at < self.heartbeat_seconds):
            return
        self._saved_at = now
        views = [*self.views, self.lead]
        failing = sorted((v for v in views if v.failing), key=lambda v: v.last_error_at or 0)
        recovered = [v.recovered_at for v in views if v.recovered_at]
        self.status.update(
            last_error=failing[-1].last_error if failing else None,
            last_error_at=failing[-1].last_error_at if failing else None,
            retries=sum(v.retries for v in views),
            recovered_at=max(recovered) if recovered else None,
            heartbeat_at=time.time(),
            views={v.name: v.report() for v in views},
        )
        try:
            self.coordination.save_status(self.status)
        except TRANSIENT:
            log.warning("Could not save the indexer status", exc_info=True)
