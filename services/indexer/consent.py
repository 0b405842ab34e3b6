"""The consent enforcement view: ended or narrowed consents and erasures reach the artifacts.

Stepped by the indexer in the same loop as its other views, and first, so the
withdrawals and narrowings it records are read by the search, publications and
inbox views in the same pass. Each step:

1. folds the next batch of Artifact, Consent and Person events into its state
   (``domain.app.consent_facts``) and writes the changed rows with its own
   tracking position in one transaction;
2. once it has reached the head of the log, sweeps the expiries (and the
   changes dated ahead) that passed since the last sweep, by the clock;
3. applies ``ConsentEnforcement`` to each artifact whose decision is pending,
   and then clears the flag. A crash between the two applies it again, which
   writes nothing more (the use case checks the artifact's current state).

After an erasure it also asks the vault to purge the destroyed keys from
storage, again every few seconds until the vault says nothing remains.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.app.consent_enforcement import ConsentEnforcement, Enforced
from domain.app.consent_facts import KINDS, TOPICS, ConsentFacts
from domain.application import Archive
from domain.errors import ConcurrentWrite
from domain.ports.clock import Clock
from domain.ports.media import MediaStore, MediaStoreUnavailable
from domain.vault_port import PersonalDataVault
from infra.readmodel.consents import ConsentQueries, consents_beside

log = logging.getLogger("commonplace.indexer")
PURGE_EVERY = 5.0  # seconds between attempts to purge destroyed keys from the vault's storage
# What may keep an artifact's decision for the next step: someone wrote the artifact at the
# same moment, or the media store is away. The store's own failures are the views' TRANSIENT.
RETRY_LATER: tuple[type[Exception], ...] = (ConcurrentWrite, MediaStoreUnavailable, OSError)


class ConsentFollower:
    def __init__(
        self,
        archive: Archive,
        media: MediaStore | None,
        clock: Clock,
        *,
        vault: PersonalDataVault | None = None,
        state: ConsentQueries | None = None,
        batch_size: int = 500,
    ) -> None:
        self.archive = archive
        self.clock = clock
        self.vault = vault
        self.state: Any = state if state is not None else consents_beside(_datastore(archive))
        self.enforcement = ConsentEnforcement(archive.store, media, clock)
        self.batch_size = batch_size
        # Its own name for its position (on SQLite the tracking table is shared).
        self.name = f"{archive.name}#consents"
        self.facts: ConsentFacts | None = None
        self.reached = -1  # the position the facts in memory were folded to
        self.due: datetime | None = None  # the next moment the sweep must look at
        self.purge_at: float | None = 0.0  # once at start, then after each erasure
        self.enforced: list[Enforced] = []  # what the last steps did, for tests and logs

    def position(self) -> int:
        return int(self.state.max_tracking_id(self.name) or 0)

    def step(self) -> int:
        """Fold a batch, sweep, and enforce what is pending; returns how much was done."""
        position = self.position()
        facts = self._facts(position)
        try:
            head = self.archive.recorder.max_notification_id() or 0
            done = self._fold(facts, position, head)
            if self.reached >= head:  # caught up: the facts are those of now
                self._sweep(facts)
                done += self._enforce(facts)
            self._purge()
        except BaseException:
            self.facts = None  # read the state again on the next step
            raise
        return done

    def _facts(self, position: int) -> ConsentFacts:
        if self.facts is None or self.reached != position:
            snapshot = self.state.load()
            self.facts = ConsentFacts(**{kind: snapshot.of(kind) for kind in KINDS})
            self.reached = position
            self.due = None
        return self.facts

    def _fold(self, facts: ConsentFacts, position: int, head: int) -> int:
        if head <= position:
            return 0
        batch = self.archive.recorder.select_notifications(
            position + 1, self.batch_size, stop=head, topics=TOPICS
        )
        erased = False
        for item in batch:
            event = self.archive.mapper.to_domain_event(item)
            facts.fold(item.topic, event)
            erased = erased or item.topic.endswith("Person.Erased")
        # A full batch ends at its last event; a shorter one covers the log up to the head.
        reached = batch[-1].id if len(batch) == self.batch_size else head
        changes = facts.take_changes()
        self.state.save(changes, Tracking(self.name, reached))
        self.reached = reached
        if "terms" in changes:
            self.due = None  # consents changed: look for the next moment again
        if erased:
            self.purge_at = self.clock.monotonic()
        return len(batch)

    def _sweep(self, facts: ConsentFacts) -> None:
        now = self.clock.now()
        if facts.swept_until() is not None:
            if self.due is None:
                self.due = facts.next_due(facts.swept_until() or now) or datetime.max.replace(
                    tzinfo=now.tzinfo
                )
            if now < self.due:
                return
        due = facts.sweep(now)
        if due:
            log.info("Applying %d consent expiries or dated changes", len(due))
        self.state.save(facts.take_changes(), None)
        self.due = None

    def _enforce(self, facts: ConsentFacts) -> int:
        done = 0
        for artifact_id in facts.pending():
            listed = _listed(facts, artifact_id)
            standings = {pid: facts.standing(pid) for pid in listed}
            try:
                outcome = self.enforcement.apply(
                    UUID(artifact_id), standings, facts.terms_for(listed)
                )
            except RETRY_LATER as error:  # still pending: the next step applies it again
                log.warning("Consent enforcement of %s deferred: %s", artifact_id, error)
                continue
            if outcome.action in ("withdraw", "narrow") or outcome.deleted_keys:
                log.info("Consent: %s %s", outcome.action, artifact_id)
                self.enforced.append(outcome)
                done += 1
            facts.settle(artifact_id)
            self.state.save(facts.take_changes(), None)
        return done

    def _purge(self) -> None:
        if self.vault is None or self.purge_at is None or self.clock.monotonic() < self.purge_at:
            return
        try:
            purged = self.vault.purge(wait=0.0)
        except Exception as error:  # the vault's store is away: never stop the indexer for it
            log.warning("Could not purge the vault now: %s", error)
            purged = False
        self.purge_at = None if purged else self.clock.monotonic() + PURGE_EVERY

    def close(self) -> None:
        """Nothing to release: the state shares the event store's connections."""


def _listed(facts: ConsentFacts, artifact_id: str) -> list[str]:
    row = facts.artifacts[artifact_id]
    found = [str(e.get("person_id")) for e in [*row["published"], *row["draft"]]]
    return list(dict.fromkeys(found))


def _datastore(archive: Archive) -> Any:
    return getattr(archive.recorder, "datastore")  # noqa: B009 - not on the recorder's type
