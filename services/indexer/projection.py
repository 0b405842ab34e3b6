"""From log notifications to index writes.

Only publications matter to search: a ``Published`` event carries the full
published content, so its document is built from the event alone, and a
``Withdrawn`` event removes the document. Within a batch the last event for an
artifact wins, which keeps the writes whole-document and idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from services.indexer.documents import DocumentBuilder

CREATED = event_topic(Artifact, "Created")
PUBLISHED = event_topic(Artifact, "Published")
WITHDRAWN = event_topic(Artifact, "Withdrawn")
TOPICS = (CREATED, PUBLISHED, WITHDRAWN)


@dataclass
class Changes:
    upserts: dict[str, dict[str, Any]] = field(default_factory=dict)
    deletions: set[str] = field(default_factory=set)

    def upsert(self, document: dict[str, Any]) -> None:
        self.deletions.discard(document["id"])
        self.upserts[document["id"]] = document

    def delete(self, doc_id: str) -> None:
        self.upserts.pop(doc_id, None)
        self.deletions.add(doc_id)

    def __len__(self) -> int:
        return len(self.upserts) + len(self.deletions)


class SearchProjection:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.builder = DocumentBuilder(archive)
        self.kinds: dict[str, str] = {}

    def changes(self, notifications: Sequence[Notification]) -> Changes:
        changes = Changes()
        for notification in notifications:
            if notification.topic not in TOPICS:
                continue
            event: Any = self.archive.mapper.to_domain_event(notification)
            doc_id = str(event.originator_id)
            if notification.topic == CREATED:
                self.kinds[doc_id] = event.kind
            elif notification.topic == PUBLISHED:
                changes.upsert(
                    self.builder.from_publication(
                        doc_id,
                        self._kind(doc_id),
                        event.content,
                        event.at,
                        event.originator_version,
                    )
                )
            else:
                changes.delete(doc_id)
        return changes

    def _kind(self, doc_id: str) -> str:
        if doc_id not in self.kinds:
            created: Any = next(iter(self.archive.events.get(UUID(doc_id), lte=1)))
            self.kinds[doc_id] = created.kind
        return self.kinds[doc_id]
