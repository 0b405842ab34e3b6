"""The store port: the narrow view of the event store that the command groups use.

Each group of commands (artifacts, catalogue, media, adaptations, tokens) receives a
``Store`` rather than the ``Archive``, so none of them imports the application and
each can be tested over any object with these few methods. ``ApplicationStore`` is
the one implementation, over an eventsourcing ``Application``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification, RecordConflictError

from domain.errors import ConcurrentWrite, NotFound

A = TypeVar("A", bound=Aggregate)


class Store(Protocol):
    def save(self, *aggregates: Aggregate) -> int | None:
        """Record the aggregates' new events in one transaction; the last log position."""
        ...

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A: ...

    def exists(self, aggregate_id: UUID) -> bool: ...

    def events_of(self, aggregate_id: UUID) -> Iterator[Any]: ...

    @property
    def head(self) -> int: ...

    def notifications(
        self, start: int, limit: int, *, stop: int | None, topics: Sequence[str]
    ) -> Sequence[Notification]: ...

    def ids_of(self, topic: str, page: int = 500) -> Iterator[tuple[int, UUID]]: ...


class ApplicationStore:
    """A ``Store`` over an eventsourcing application; ``after_save`` hooks see every save."""

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.after_save: list[Callable[[Sequence[Aggregate]], None]] = []

    def save(self, *aggregates: Aggregate) -> int | None:
        try:
            recordings = self.app.save(*aggregates)
        except RecordConflictError:
            # Another request wrote the same aggregate version first (concurrent writes).
            raise ConcurrentWrite(
                "Someone else changed this at the same moment; nothing of yours was "
                "recorded. Reload and try again."
            ) from None
        for hook in self.after_save:
            hook(aggregates)
        return recordings[-1].notification.id if recordings else None

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        try:
            aggregate: Any = self.app.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"No {cls.__name__.lower()} {aggregate_id}.") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"No {cls.__name__.lower()} {aggregate_id}.")
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.app.repository

    def events_of(self, aggregate_id: UUID) -> Iterator[Any]:
        return iter(self.app.events.get(aggregate_id))

    @property
    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def notifications(
        self, start: int, limit: int, *, stop: int | None, topics: Sequence[str]
    ) -> Sequence[Notification]:
        return self.app.recorder.select_notifications(start, limit, stop=stop, topics=topics)

    def ids_of(self, topic: str, page: int = 500) -> Iterator[tuple[int, UUID]]:
        """(position, id) of each stored event with this topic, in log order."""
        start = 1
        while True:
            batch = self.notifications(start, page, stop=None, topics=[topic])
            for notification in batch:
                yield notification.id, UUID(str(notification.originator_id))
            if len(batch) < page:
                return
            start = batch[-1].id + 1


def pages_since(
    store: Store, position: int, page: int, topics: Sequence[str]
) -> Iterator[tuple[Sequence[Notification], int]]:
    """The events with ``topics`` after ``position``, up to the head as it is now, a page
    at a time, each with the position it reaches: the head once a page comes back short.

    Keep the position reached, not the last matching event's: the log has no index by
    topic, so a read covers every event from its start, and a position left at the last
    match would have each later look read again all the log written since."""
    head = store.head
    while position < head:
        batch = store.notifications(position + 1, page, stop=head, topics=topics)
        position = head if len(batch) < page else batch[-1].id
        yield batch, position
