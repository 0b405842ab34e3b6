"""The documents of one range of the log, as a rebuild fills a new index with them.

The same changes as :meth:`SearchProjection.changes` gives for the document topics
(``Created``, ``Published``, ``Withdrawn``, ``Narrowed``) with the catalogue already
folded up to the rebuild's head, in the same order, for less CPU:

- within the range the last event of each artifact wins, so a document is built
  only for that one: a publication that a later one in the range replaces, or a
  withdrawal removes, is never turned into plain text;
- a ``Created`` or ``Published`` event's stored state is read with orjson, straight
  from the notification, when it needs nothing else: the mapper neither encrypts
  nor compresses, the event class has no upcasting, and the only transcoded values
  in it are the event's own datetimes. Anything else goes through the mapper.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Notification
from eventsourcing.utils import resolve_topic

from services.indexer.projection import (
    CREATED,
    NARROWED,
    PUBLISHED,
    WITHDRAWN,
    Changes,
    SearchProjection,
)

_TYPE = b'"_type_":'
_DATETIME = "datetime_iso"


def plain_states(projection: SearchProjection) -> bool:
    """Whether stored states can be read without the mapper (see the module's notes)."""
    mapper = projection.archive.mapper
    upcast = any(getattr(resolve_topic(t), "class_version", 1) != 1 for t in (CREATED, PUBLISHED))
    return (
        mapper.cipher is None
        and mapper.compressor is None
        and type(mapper.transcoder) is JSONTranscoder
        and not upcast
    )


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, dict) and value.get("_type_") == _DATETIME and len(value) == 2:
        data = value.get("_data_")
        return datetime.fromisoformat(data) if isinstance(data, str) else None
    return None


def _state(notification: Notification) -> dict[str, Any] | None:
    """The state as a JSON object, or None if it does not qualify for the fast path."""
    try:
        state = orjson.loads(notification.state)
    except orjson.JSONDecodeError:
        return None
    return state if isinstance(state, dict) and "class_version" not in state else None


def publication(notification: Notification) -> tuple[dict[str, Any], datetime] | None:
    """A ``Published`` event's content and time, if its state holds no other transcoded value."""
    if notification.state.count(_TYPE) != 2:  # its ``timestamp`` and its ``at``
        return None
    state = _state(notification)
    if state is None or _datetime(state.get("timestamp")) is None:
        return None
    at, content = _datetime(state.get("at")), state.get("content")
    return (content, at) if at is not None and isinstance(content, dict) else None


def created_kind(notification: Notification) -> str | None:
    state = _state(notification)
    kind = state.get("kind") if state is not None else None
    return kind if isinstance(kind, str) else None


class RangeDocuments:
    """Turns ranges of the log into changes for a projection started at the rebuild's head."""

    def __init__(self, projection: SearchProjection) -> None:
        self.projection = projection
        self.fast = plain_states(projection)

    def changes(self, notifications: Sequence[Notification]) -> Changes:
        changes = Changes()
        # Per artifact, in the order its document would first be written: the Published
        # event its document comes from, or the document a Narrowed event left.
        last: dict[str, Notification | dict[str, Any]] = {}
        for notification in notifications:
            doc_id = str(notification.originator_id)
            if notification.topic == CREATED:
                self._created(doc_id, notification)
            elif notification.topic == PUBLISHED:
                changes.deletions.discard(doc_id)
                last[doc_id] = notification
            elif (
                notification.topic == NARROWED
                and (built := self._narrowed(doc_id, notification)) is not None
            ):
                changes.deletions.discard(doc_id)
                last[doc_id] = built
            elif notification.topic in (WITHDRAWN, NARROWED):
                last.pop(doc_id, None)
                changes.delete(doc_id)
        for doc_id, source in last.items():
            changes.upserts[doc_id] = (
                source if isinstance(source, dict) else self._published(doc_id, source)
            )
        return changes

    def _created(self, doc_id: str, notification: Notification) -> None:
        kind = created_kind(notification) if self.fast else None
        if kind is None:
            kind = self.projection.archive.mapper.to_domain_event(notification).kind  # type: ignore[attr-defined]
        self.projection.kinds[doc_id] = kind

    def _narrowed(self, doc_id: str, notification: Notification) -> dict[str, Any] | None:
        """Rare: built at once from the artifact as the event left it, as the live view does."""
        artifact: Any = self.projection.archive.repository.get(
            UUID(doc_id), version=notification.originator_version
        )
        return self.projection.builder.build(artifact)

    def _published(self, doc_id: str, notification: Notification) -> dict[str, Any]:
        found = publication(notification) if self.fast else None
        if found is None:
            event: Any = self.projection.archive.mapper.to_domain_event(notification)
            found = (event.content, event.at)
        content, at = found
        return self.projection.builder.from_publication(
            doc_id, self._kind(doc_id), content, at, notification.originator_version
        )

    def _kind(self, doc_id: str) -> str:
        kinds = self.projection.kinds
        if doc_id not in kinds:
            created: Any = next(iter(self.projection.archive.events.get(UUID(doc_id), lte=1)))
            kinds[doc_id] = created.kind
        return kinds[doc_id]
