"""From log notifications to the publications read model (OAI-PMH and the change feed).

A public publication carries what its syndication record is built from: the
published content from the ``Published`` event, and from the artifact's earlier
events its kind, when it was first published and what it was adapted from. The
projection remembers those facts for the artifacts it met most recently (a
bounded memo, so memory stays flat however large the archive); for any other
artifact it loads the aggregate as it was at that publication, which gives the
same facts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from infra.readmodel.publications import PublicationEvent
from infra.syndication.stored import stored_record
from services.indexer.projection import CREATED, PUBLISHED, WITHDRAWN

ADAPTED_FROM = event_topic(Artifact, "AdaptedFrom")
TOPICS = (CREATED, ADAPTED_FROM, PUBLISHED, WITHDRAWN)
MEMO_SIZE = 20_000


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

    def events(self, notifications: Sequence[Notification]) -> list[PublicationEvent]:
        found = []
        for notification in notifications:
            if notification.topic not in TOPICS:
                continue
            event: Any = self.archive.mapper.to_domain_event(notification)
            artifact_id = str(event.originator_id)
            if notification.topic == CREATED:
                self._remember(artifact_id, ArtifactFacts(event.kind))
                continue
            if notification.topic == ADAPTED_FROM:
                facts = self.memo.get(artifact_id)
                if facts is not None:  # else the aggregate is loaded when it is published
                    facts.adapted_from = event.source
                continue
            found.append(self._publication_event(notification, event, artifact_id))
        return found

    def _publication_event(
        self, notification: Notification, event: Any, artifact_id: str
    ) -> PublicationEvent:
        published = notification.topic == PUBLISHED
        facts = self._facts(artifact_id, event.originator_version)
        if published and facts.first_published_at is None:
            facts.first_published_at = event.at
        content = event.content if published else {}
        public = content.get("visibility") == "public"
        record = None
        if public:
            record = stored_record(
                facts.kind,
                event.originator_version,
                content,
                event.at,
                facts.first_published_at,
                facts.adapted_from,
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
            sets=self.sets(facts.kind, content),
            record=record,
        )

    def sets(self, kind: str, content: dict[str, Any]) -> tuple[str, ...]:
        """OAI sets: the kind, each principle of practice, and the place with all around it."""
        specs = [f"kind:{kind}"]
        specs += [
            f"principle:{term.split(':', 1)[1]}"
            for term in content.get("terms") or []
            if term.startswith("principles:")
        ]
        place = content.get("place")
        if place:
            chain = [p.slug for p in self.archive.place_ancestors(place)] + [place]
            specs += [f"place:{slug}" for slug in chain]
        return tuple(dict.fromkeys(specs))

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
