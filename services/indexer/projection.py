"""From log notifications to index writes: a function of the events alone.

A ``Published`` event carries the full published content, so its document is
built from the event and the catalogue as this view folded it from the
catalogue events before it; a ``Withdrawn`` event removes the document. A
catalogue event (a place registered, renamed, moved or given coordinates, a
framework's terms edited) changes the view's catalogue and derives again every
document that shows what changed, found through the references read model.
A ``Narrowed`` event builds the document again from the artifact as that event
left it (a members-only document leaves public search; members still find it).
A Person event (recorded, revised, another credit chosen, erased) changes the
view's persons and derives again every document that lists that person, so an
erased person's name leaves the index with the batch that folds the erasure.
Within a batch the last change of a document wins, which keeps the writes
whole-document and idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from infra.search.fts_store import PURGE
from services.indexer import catalogue
from services.indexer import persons as person_events
from services.indexer.catalogue import CatalogueProjection
from services.indexer.documents import DocumentBuilder
from services.indexer.persons import PersonsFold, fold_persons, person_ref
from services.indexer.references import ReferencesFollower

CREATED = event_topic(Artifact, "Created")
PUBLISHED = event_topic(Artifact, "Published")
WITHDRAWN = event_topic(Artifact, "Withdrawn")
NARROWED = event_topic(Artifact, "Narrowed")
TOPICS = (CREATED, PUBLISHED, WITHDRAWN, NARROWED)  # what a document is built from
ALL_TOPICS = TOPICS + catalogue.TOPICS + person_events.TOPICS
PAGE = 1000


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


def fold_catalogue(archive: Archive, projection: CatalogueProjection, upto: int) -> None:
    """Fold the catalogue events after the projection's position up to ``upto``."""
    position = projection.position
    while position < upto:
        batch = archive.recorder.select_notifications(
            position + 1, PAGE, stop=upto, topics=list(catalogue.TOPICS)
        )
        for notification in batch:
            event = archive.mapper.to_domain_event(notification)
            projection.fold(notification.topic, notification.id, event)
        position = batch[-1].id if len(batch) == PAGE else upto
    projection.position = max(projection.position, upto)


class SearchProjection:
    def __init__(self, archive: Archive, references: ReferencesFollower | None = None) -> None:
        self.archive = archive
        self.references = references
        self.kinds: dict[str, str] = {}
        self.reset()
        self.handlers: dict[str, Callable[[Changes, Notification, Any], None]] = {
            CREATED: self._created,
            PUBLISHED: self._published,
            WITHDRAWN: self._withdrawn,
            NARROWED: self._narrowed,
            **{topic: self._catalogued for topic in catalogue.TOPICS},
            **{topic: self._person for topic in person_events.TOPICS},
        }

    def reset(self) -> None:
        """Forget the catalogue and the persons; both are folded again before the next batch."""
        self.catalogue = CatalogueProjection()
        self.persons = PersonsFold(self.archive.people.vault)
        self.builder = DocumentBuilder(self.catalogue.state, self.persons)
        self.started = False

    def start(self, position: int) -> None:
        """Fold the catalogue and the persons up to ``position`` (the next batch begins after)."""
        self.reset()
        fold_catalogue(self.archive, self.catalogue, position)
        fold_persons(self.archive, self.persons, position)
        self.started = True

    def changes(self, notifications: Sequence[Notification]) -> Changes:
        changes = Changes()
        if not notifications:
            return changes
        if not self.started:
            self.start(notifications[0].id - 1)
        self._batch_end = notifications[-1].id
        self._references_reached = False
        for notification in notifications:
            handler = self.handlers.get(notification.topic)
            if handler is not None:
                event = self.archive.mapper.to_domain_event(notification)
                handler(changes, notification, event)
        return changes

    def _created(self, changes: Changes, notification: Notification, event: Any) -> None:
        self.kinds[str(event.originator_id)] = event.kind

    def _published(self, changes: Changes, notification: Notification, event: Any) -> None:
        doc_id = str(event.originator_id)
        changes.upsert(
            self.builder.from_publication(
                doc_id, self._kind(doc_id), event.content, event.at, event.originator_version
            )
        )

    def _withdrawn(self, changes: Changes, notification: Notification, event: Any) -> None:
        changes.delete(str(event.originator_id))

    def _narrowed(self, changes: Changes, notification: Notification, event: Any) -> None:
        doc_id = str(event.originator_id)
        artifact: Any = self.archive.repository.get(
            event.originator_id, version=event.originator_version
        )
        built = self.builder.build(artifact)
        if built is None:
            changes.delete(doc_id)
        else:
            changes.upsert(built)

    def _catalogued(self, changes: Changes, notification: Notification, event: Any) -> None:
        touched = self.catalogue.fold(notification.topic, notification.id, event)
        if touched:
            self._derive_again(changes, touched.refs())

    def _person(self, changes: Changes, notification: Notification, event: Any) -> None:
        touched = self.persons.fold(notification.topic, notification.id, event)
        if touched is not None:
            self._derive_again(changes, {person_ref(touched)})
        if touched is not None and notification.topic == person_events.ERASED_TOPIC:
            changes.deletions.add(PURGE)  # no earlier copy of those documents may remain

    def _derive_again(self, changes: Changes, refs: set[str]) -> None:
        if self.references is None:
            return
        if not self._references_reached:
            self.references.catch_up(self._batch_end)
            self._references_reached = True
        for doc_id, version in sorted(self.references.referring(refs).items()):
            if doc_id in changes.deletions:
                continue
            document = changes.upserts.get(doc_id)
            if document is not None:
                changes.upsert(self.builder.relabel(document))
                continue
            artifact: Any = self.archive.repository.get(UUID(doc_id), version=version)
            built = self.builder.build(artifact)
            if built is not None:
                changes.upsert(built)

    def _kind(self, doc_id: str) -> str:
        if doc_id not in self.kinds:
            created: Any = next(iter(self.archive.events.get(UUID(doc_id), lte=1)))
            self.kinds[doc_id] = created.kind
        return self.kinds[doc_id]
