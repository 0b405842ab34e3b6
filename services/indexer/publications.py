"""From log notifications to the publications read model (OAI-PMH and the change feed).

A public publication carries what its syndication record is built from: the
published content from the ``Published`` event, and from the artifact's earlier
events its kind, when it was first published and what it was adapted from. The
projection remembers those facts for the artifacts it met most recently (a
bounded memo, so memory stays flat however large the archive); for any other
artifact it loads the aggregate as it was at that publication, which gives the
same facts.

What a record shows of the catalogue (place names, the places around it, term
labels) and its place sets come from the catalogue as this projection folded it
from the catalogue events before the publication. A catalogue event that
changes any of that hands the read model a :class:`Relabel`, which derives every
public row that shows it again, in the same transaction as the rest of the batch.
A Person event does the same for every public row that lists that person, whose
credited name (or the removed phrase) the record keeps.

Only what may travel is public here: a publication for members only, or one
whose ``syndication`` is "none" (this site's pages only), is recorded as a
tombstone for a row that was public before (OAI-PMH answers a deleted header,
the change feed a withdrawal whose earlier rows lose title and links). A
``Narrowed`` event records the artifact again as the narrowing left it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.app.records_people import travels
from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.translations import TRANSLATION_OF, original_id
from infra.readmodel.publication_versions import TranslationLink
from infra.readmodel.publications import PublicationChange, PublicationEvent, Relabel
from infra.syndication.stored import stored_record
from services.indexer import catalogue
from services.indexer import persons as person_events
from services.indexer.catalogue import CatalogueProjection
from services.indexer.labels import Labeller, snapshot
from services.indexer.persons import PersonsFold, fold_persons, person_ref
from services.indexer.projection import CREATED, NARROWED, PUBLISHED, WITHDRAWN, fold_catalogue

ADAPTED_FROM = event_topic(Artifact, "AdaptedFrom")
TOPICS = (
    CREATED,
    ADAPTED_FROM,
    TRANSLATION_OF,
    PUBLISHED,
    WITHDRAWN,
    NARROWED,
    *catalogue.TOPICS,
    *person_events.TOPICS,
)
MEMO_SIZE = 20_000
Handler = Callable[[list[PublicationChange], Notification, Any], None]


@dataclass
class ArtifactFacts:
    """What a record needs from an artifact's history besides the published content."""

    kind: str
    first_published_at: datetime | None = None
    adapted_from: dict[str, Any] | None = None


class PublicationsProjection:
    def __init__(self, archive: Archive, memo_size: int = MEMO_SIZE) -> None:
        self.archive = archive
        self.memo: OrderedDict[str, ArtifactFacts] = OrderedDict()
        self.memo_size = memo_size
        self.reset()
        self.handlers: dict[str, Handler] = {
            CREATED: self._created,
            ADAPTED_FROM: self._adapted_from,
            TRANSLATION_OF: self._translation_of,
            PUBLISHED: self._publication,
            WITHDRAWN: self._publication,
            NARROWED: self._publication,
            **{topic: self._catalogued for topic in catalogue.TOPICS},
            **{topic: self._person for topic in person_events.TOPICS},
        }

    def reset(self) -> None:
        """Forget the catalogue and the persons; both are folded again before the next batch."""
        self.catalogue = CatalogueProjection()
        self.persons = PersonsFold(self.archive.people.vault)
        self.started = False

    def start(self, position: int) -> None:
        self.reset()
        fold_catalogue(self.archive, self.catalogue, position)
        fold_persons(self.archive, self.persons, position)
        self.started = True

    def events(self, notifications: Sequence[Notification]) -> list[PublicationChange]:
        found: list[PublicationChange] = []
        if notifications and not self.started:
            self.start(notifications[0].id - 1)
        for notification in notifications:
            handler = self.handlers.get(notification.topic)
            if handler is not None:
                event: Any = self.archive.mapper.to_domain_event(notification)
                handler(found, notification, event)
        return found

    def _created(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        self._remember(str(event.originator_id), ArtifactFacts(event.kind))

    def _adapted_from(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        facts = self.memo.get(str(event.originator_id))
        if facts is not None:  # else the aggregate is loaded when it is published
            facts.adapted_from = event.source

    def _translation_of(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        original = original_id(event.original)  # None: an original on another site
        if original is not None:
            found.append(TranslationLink(notification.id, str(event.originator_id), str(original)))

    def _publication(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        found.append(self._publication_event(notification, event, str(event.originator_id)))

    def _catalogued(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        touched = self.catalogue.fold(notification.topic, notification.id, event)
        if touched:  # the rows that show it, derived with the catalogue as of this event
            labeller = Labeller(snapshot(self.catalogue.state))
            found.append(Relabel(notification.id, tuple(sorted(touched.refs())), labeller.derive))

    def _person(
        self, found: list[PublicationChange], notification: Notification, event: Any
    ) -> None:
        touched = self.persons.fold(notification.topic, notification.id, event)
        if touched is not None:  # the rows that list the person, with their name as it is now
            labeller = Labeller(snapshot(self.catalogue.state), self.persons)
            erased = notification.topic == person_events.ERASED_TOPIC
            found.append(
                Relabel(notification.id, (person_ref(touched),), labeller.derive, purge=erased)
            )

    def _publication_event(
        self, notification: Notification, event: Any, artifact_id: str
    ) -> PublicationEvent:
        published = notification.topic == PUBLISHED
        facts = self._facts(artifact_id, event.originator_version)
        if published and facts.first_published_at is None:
            facts.first_published_at = event.at
        content = event.content if published else {}
        if notification.topic == NARROWED:
            content, at = self._narrowed(event)
        else:
            at = event.at
        public = travels(content)
        labeller = Labeller(self.catalogue.state, self.persons)
        record = None
        if public:
            record = stored_record(
                facts.kind,
                event.originator_version,
                content,
                at,
                facts.first_published_at,
                facts.adapted_from,
                labeller.labels(content),
                labeller.credited(content),
            )
        return PublicationEvent(
            seq=notification.id,
            artifact_id=artifact_id,
            datestamp=event.timestamp.timestamp(),
            public=public,
            kind=facts.kind,
            version=event.originator_version,
            # PostgreSQL text refuses NUL, which content stored before input was checked
            # may hold (the record's JSON escapes it; XML output drops it anyway).
            title=(content.get("title") or "").replace("\x00", ""),
            sets=labeller.sets(facts.kind, content),
            record=record,
            refs=labeller.refs(content) if public else (),
        )

    def _narrowed(self, event: Any) -> tuple[dict[str, Any], datetime]:
        """The published content and its time, as the narrowing left them."""
        artifact: Any = self.archive.repository.get(
            event.originator_id, version=event.originator_version
        )
        published = artifact.published or {}
        return dict(published.get("content") or {}), published.get("at") or event.at

    def sets(self, kind: str, content: dict[str, Any]) -> tuple[str, ...]:
        """OAI sets: the kind, each principle of practice, and the place with all around it."""
        return Labeller(self.catalogue.state).sets(kind, content)

    def _facts(self, artifact_id: str, version: int) -> ArtifactFacts:
        """The memo's facts, or the aggregate's at ``version`` (which includes that event)."""
        facts = self.memo.get(artifact_id)
        if facts is not None:
            self.memo.move_to_end(artifact_id)
            return facts
        artifact: Any = self.archive.repository.get(UUID(artifact_id), version=version)
        facts = ArtifactFacts(
            artifact.kind,
            artifact.first_published_at,
            getattr(artifact, "adapted_from", None),
        )
        self._remember(artifact_id, facts)
        return facts

    def _remember(self, artifact_id: str, facts: ArtifactFacts) -> None:
        self.memo[artifact_id] = facts
        self.memo.move_to_end(artifact_id)
        while len(self.memo) > self.memo_size:
            self.memo.popitem(last=False)
