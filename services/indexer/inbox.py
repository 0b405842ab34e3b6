"""The inbox view: notifications projected from the log into each principal's inbox.

It follows the log with its own tracking position like the other views of the
indexer (``runner.py`` registers it), asks ``domain.notifications`` what each
event calls for, keeps what each recipient chose to see in the inbox, and
writes the rows with the position in one transaction.

``ArchiveDirectory`` answers who the editors and contributors are, their email
addresses and their choices, from the archive as it is now; the email notifier
of the outbox sender uses the same directory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.access import AccessToken, Role
from domain.application import Archive
from domain.artifact import Artifact
from domain.errors import NotFound
from domain.notifications import INBOX, TOPICS, Preferences, notifications_for, wanted
from infra.readmodel.inbox import Inbox

EDITOR_ROLES = (Role.EDITOR.value, Role.ADMIN.value)


def tracking_name(application_name: str) -> str:
    """The inbox view's own tracking row. On SQLite every read model in the event store's
    database shares one ``tracking`` table, so under the application's bare name the
    inbox would take the publications view's position and skip what that view had read."""
    return f"{application_name}/inbox"


EDITORS_CACHE_SECONDS = 5.0


class ArchiveDirectory:
    """The ``Directory`` of ``domain.notifications`` over the archive."""

    def __init__(self, archive: Archive, clock: Callable[[], float] = time.monotonic) -> None:
        self.archive = archive
        self.preferences = Preferences(archive.store)
        self.clock = clock
        self._editors: tuple[list[str], float] | None = None

    def editors(self) -> list[str]:
        if self._editors is None or self._editors[1] < self.clock():
            found = [
                t["id"]
                for t in self.archive.tokens.issued()
                if t["role"] in EDITOR_ROLES and not t["revoked"]
            ]
            self._editors = (found, self.clock() + EDITORS_CACHE_SECONDS)
        return list(self._editors[0])

    def contributors(self, artifact_id: UUID) -> list[str]:
        artifact = self._artifact(artifact_id)
        return [str(artifact.created_by)] if artifact is not None else []

    def title(self, artifact_id: UUID) -> str:
        artifact = self._artifact(artifact_id)
        if artifact is None:
            return ""
        return str((artifact.content or {}).get("title") or "")

    def email(self, principal_id: str) -> str | None:
        token = self._token(principal_id)
        return None if token is None or token.revoked else token.email

    def channel(self, principal_id: str, kind: str) -> str:
        return self.preferences.of(principal_id)[kind]

    def _artifact(self, artifact_id: UUID) -> Artifact | None:
        try:
            return self.archive.load(Artifact, artifact_id)
        except NotFound:
            return None

    def _token(self, principal_id: str) -> AccessToken | None:
        try:
            return self.archive.load(AccessToken, UUID(principal_id))
        except (NotFound, ValueError):
            return None


class InboxView:
    """One step: the next batch of the log into the inbox read model."""

    def __init__(self, archive: Archive, inbox: Inbox, batch_size: int = 500) -> None:
        self.archive = archive
        self.inbox = inbox
        self.directory = ArchiveDirectory(archive)
        self.batch_size = batch_size

    def step(self) -> int:
        """Projects up to a batch of the events that concern the inbox; returns how many."""
        position = self.inbox.max_tracking_id(tracking_name(self.archive.name)) or 0
        head = self.archive.recorder.max_notification_id() or 0
        if head <= position:
            return 0
        batch = self.archive.recorder.select_notifications(
            position + 1, self.batch_size, stop=head, topics=TOPICS
        )
        found = []
        for item in batch:
            event = self.archive.mapper.to_domain_event(item)
            for note in notifications_for(item.topic, event, item.id, self.directory):
                if wanted(note, self.directory, INBOX):
                    found.append(note)
        # A full batch ends at its last event; a shorter one covers the log up to the head.
        reached = batch[-1].id if len(batch) == self.batch_size else head
        self.inbox.add(found, Tracking(tracking_name(self.archive.name), reached), time.time())
        return len(batch)
