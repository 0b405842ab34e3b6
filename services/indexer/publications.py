"""From log notifications to the publications read model (OAI-PMH and the change feed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import Archive
from infra.readmodel.publications import PublicationEvent
from services.indexer.projection import CREATED, PUBLISHED, WITHDRAWN


class PublicationsProjection:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.kinds: dict[str, str] = {}

    def events(self, notifications: Sequence[Notification]) -> list[PublicationEvent]:
        found = []
        for notification in notifications:
            if notification.topic not in (CREATED, PUBLISHED, WITHDRAWN):
                continue
            event: Any = self.archive.mapper.to_domain_event(notification)
            artifact_id = str(event.originator_id)
            if notification.topic == CREATED:
                self.kinds[artifact_id] = event.kind
                continue
            kind = self._kind(artifact_id)
            content = event.content if notification.topic == PUBLISHED else {}
            found.append(
                PublicationEvent(
                    seq=notification.id,
                    artifact_id=artifact_id,
                    datestamp=event.timestamp.timestamp(),
                    public=content.get("visibility") == "public",
                    kind=kind,
                    version=event.originator_version,
                    title=content.get("title") or "",
                    sets=self.sets(kind, content),
                )
            )
        return found

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

    def _kind(self, artifact_id: str) -> str:
        if artifact_id not in self.kinds:
            created: Any = next(iter(self.archive.events.get(UUID(artifact_id), lte=1)))
            self.kinds[artifact_id] = created.kind
        return self.kinds[artifact_id]
