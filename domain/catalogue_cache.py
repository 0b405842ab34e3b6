"""The catalogue in memory: every framework, place, convening and excursion.

The catalogue is small and read on nearly every request, so the application keeps
it in memory and refreshes it from the notification log: each access costs one
query for catalogue events recorded since the last look (by any process).
"""

from __future__ import annotations

import threading
import time
from typing import TypeVar
from uuid import UUID

from domain import place_tree
from domain.catalogue import (
    Catalogued,
    Convening,
    Excursion,
    Framework,
    Place,
    event_topic,
    slug_id,
)
from domain.errors import InvalidInput, NotFound
from domain.store import Store, pages_since

C = TypeVar("C", bound=Catalogued)

RECHECK_SECONDS = 0.25

CATALOGUE_TOPICS = [
    event_topic(Place, "Registered"),
    event_topic(Framework, "Defined"),
    event_topic(Convening, "Scheduled"),
    event_topic(Excursion, "Planned"),
    event_topic(Catalogued, "Updated"),
]


class CatalogueCache:
    """Every catalogue record, kept current by reading new catalogue events."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.position = 0
        self.records: dict[UUID, Catalogued] = {}
        self.sorted: dict[type[Catalogued], list[Catalogued]] = {}  # per class, until a change
        self.lock = threading.Lock()
        self.checked_at = -1.0

    def invalidate(self) -> None:
        """Look at the log again on the next access (after this process changed the catalogue)."""
        self.checked_at = -1.0

    def refresh(self, *, force: bool = False) -> None:
        """Read catalogue events recorded since the last look.

        Other processes' changes are looked for at most every ``RECHECK_SECONDS``
        (a lookup that misses always looks again), which keeps busy loops such as
        an OAI-PMH harvest from asking the database for the head at every step.
        """
        now = time.monotonic()
        if not force and 0 <= now - self.checked_at < RECHECK_SECONDS:
            return
        self.checked_at = now
        with self.lock:
            # Read only the part of the log not yet looked at, up to the head as it is now.
            for batch, reached in pages_since(self.store, self.position, 1000, CATALOGUE_TOPICS):
                for notification in batch:
                    record_id = UUID(str(notification.originator_id))
                    self.records[record_id] = self.store.load(Catalogued, record_id)
                    self.sorted.clear()
                self.position = reached

    def of(self, cls: type[C]) -> list[C]:
        self.refresh()
        found = self.sorted.get(cls)
        if found is None:
            found = sorted(
                (r for r in self.records.values() if isinstance(r, cls)), key=lambda r: r.slug
            )
            self.sorted[cls] = found
        return list(found)  # type: ignore[arg-type]

    def get_place_record(self, slug: str) -> Place | None:
        return self.get(Place, "places", slug)

    def get(self, cls: type[C], namespace: str, slug: str) -> C | None:
        self.refresh()
        record = self.records.get(slug_id(namespace, slug))
        if record is None:
            self.refresh(force=True)
            record = self.records.get(slug_id(namespace, slug))
        return record if isinstance(record, cls) else None

    def required(self, cls: type[C], namespace: str, slug: str) -> C:
        """The record, or NotFound naming where to list them."""
        record = self.get(cls, namespace, slug)
        if record is None:
            raise NotFound(f"No {cls.__name__.lower()} {slug!r}; see /api/v1/{namespace}.")
        return record

    def require_reference(self, cls: type[C], namespace: str, slug: str, field: str) -> None:
        """Raise InvalidInput (naming ``field``) unless the record exists."""
        if self.get(cls, namespace, slug) is None:
            raise InvalidInput(f"Unknown {field.replace('_', ' ')} {slug!r}.", field=field)

    def place_ancestors(self, slug: str) -> list[Place]:
        """From the outermost place down to (not including) ``slug``."""
        return place_tree.ancestors(lambda s: self.get(Place, "places", s), slug)

    def places_within(self, slug: str) -> set[str]:
        """The place and every place inside it, at any depth."""
        return place_tree.within(slug, self.of(Place))
