"""Keeping the references read model (which artifact shows which place and term) current.

The search view brings it up to the end of each batch before deriving documents
again for a catalogue change, so that every artifact published up to there is
found. It only ever moves forward; an artifact published or withdrawn later
than the catalogue change is written again by its own event anyway.

Besides places and terms it records each person an artifact lists
(``person:<id>``), so that a person's new name, credit or erasure finds every
document that shows them; a ``Narrowed`` event moves the artifact's version on
(its references stay those of the publication), so a document derived again is
built from the narrowed artifact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.persistence import Tracking

from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from infra.readmodel.references import ReferencesQueries, Referencing, references_beside
from services.indexer.persons import person_ref, persons_of

PUBLISHED = event_topic(Artifact, "Published")
WITHDRAWN = event_topic(Artifact, "Withdrawn")
NARROWED = event_topic(Artifact, "Narrowed")
PAGE = 1000
NAMED = ("place", "convening", "excursion")  # content fields that name a catalogue record


def refs_of(content: dict[str, Any]) -> tuple[str, ...]:
    """What a publication refers to: its own place, its terms, its convening and excursion,
    and the persons it lists."""
    named = [f"{name}:{content[name]}" for name in NAMED if content.get(name)]
    persons = [person_ref(str(p.get("person_id"))) for p in persons_of(content)]
    return tuple(named + [f"term:{term}" for term in content.get("terms") or []] + persons)


class ReferencesFollower:
    def __init__(self, archive: Archive, store: ReferencesQueries | None = None) -> None:
        self.archive = archive
        self.store: Any = store if store is not None else references_beside(_datastore(archive))
        # Its own name for its position: on SQLite every tracking recorder of the event
        # store's database shares one table, where the publications view keeps its own.
        self.name = f"{archive.name}#references"

    def position(self) -> int:
        return int(self.store.max_tracking_id(self.name) or 0)

    def catch_up(self, upto: int) -> None:
        """Record the references of every publication and withdrawal up to ``upto``."""
        position = self.position()
        while position < upto:
            batch = self.archive.recorder.select_notifications(
                position + 1, PAGE, stop=upto, topics=[PUBLISHED, WITHDRAWN, NARROWED]
            )
            found: dict[str, Referencing] = {}
            for notification in batch:
                event: Any = self.archive.mapper.to_domain_event(notification)
                artifact_id = str(event.originator_id)
                refs = self._refs(notification.topic, event)
                found[artifact_id] = Referencing(artifact_id, event.originator_version, refs)
            reached = batch[-1].id if len(batch) == PAGE else upto
            self.store.record(list(found.values()), Tracking(self.name, reached))
            position = reached

    def _refs(self, topic: str, event: Any) -> tuple[str, ...]:
        if topic == PUBLISHED:
            return refs_of(event.content)
        if topic == NARROWED:  # the published content, as the narrowing left it
            artifact: Any = self.archive.repository.get(
                event.originator_id, version=event.originator_version
            )
            return refs_of(artifact.published["content"]) if artifact.published else ()
        return ()

    def referring(self, refs: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = self.store.referring(refs)
        return found

    def close(self) -> None:
        """Nothing to release: the references share the event store's connections."""


def _datastore(archive: Archive) -> Any:
    return getattr(archive.recorder, "datastore")  # noqa: B009 - not on the recorder's type
