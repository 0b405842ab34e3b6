"""The collections view: each collection's row, projected from its events.

It follows only the Collection events of the log, with its own tracking name
(``Archive#collections``: on SQLite every read model of the event store's database
shares one tracking table), and writes the rows of a batch with the position in one
transaction. A collection touched in a batch is written whole, as its events up to
the last one in the batch make it, so a batch read again writes the same rows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.application import Archive
from domain.catalogue import event_topic
from domain.collection import Collection
from infra.readmodel.collections import CollectionRow, CollectionsView, collections_beside

TOPICS = [
    event_topic(Collection, name)
    for name in ("Created", "Edited", "ItemAdded", "ItemRemoved", "Reordered")
]


def tracking_name(application_name: str) -> str:
    return f"{application_name}#collections"


class CollectionsFollower:
    def __init__(
        self, archive: Archive, store: CollectionsView | None = None, batch_size: int = 500
    ) -> None:
        self.archive = archive
        self.store = store if store is not None else collections_beside(_datastore(archive))
        self.name = tracking_name(archive.name)
        self.batch_size = batch_size

    def position(self) -> int:
        return int(self.store.max_tracking_id(self.name) or 0)

    def step(self) -> int:
        """Project the next batch of Collection events; how many were read."""
        position = self.position()
        head = self.archive.recorder.max_notification_id() or 0
        if head <= position:
            return 0
        batch = self.archive.recorder.select_notifications(
            position + 1, self.batch_size, stop=head, topics=TOPICS
        )
        touched: dict[str, int] = {}
        for notification in batch:
            event: Any = self.archive.mapper.to_domain_event(notification)
            touched[str(event.originator_id)] = event.originator_version
        rows = [self._row(collection_id, version) for collection_id, version in touched.items()]
        # A full batch ends at its last event; a shorter one covers the log up to the head.
        # (Tracking only the last Collection event would have every step read again the
        # whole log written since: the log has no index by topic.)
        reached = batch[-1].id if len(batch) == self.batch_size else head
        self.store.record(rows, Tracking(self.name, reached))
        return len(batch)

    def catch_up(self) -> None:
        while self.step():
            pass

    def _row(self, collection_id: str, version: int) -> CollectionRow:
        found: Any = self.archive.repository.get(UUID(collection_id), version=version)
        return CollectionRow(
            collection_id,
            found.slug,
            found.title,
            found.owner,
            found.created_on.timestamp(),
            found.modified_on.timestamp(),
            found.version,
        )


def _datastore(archive: Archive) -> Any:
    return getattr(archive.recorder, "datastore")  # noqa: B009 - not on the recorder's type
