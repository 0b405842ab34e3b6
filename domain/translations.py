"""Language versions: a translation is a new artifact linked to its original.

The link is recorded once, on the translation, as ``TranslationOf`` (with the
original's id here, or its ``uri`` on another site, its language and the
translator). The original is never written to by its translations' commands:
its list of versions is derived from the log by :class:`TranslationIndex`, which
follows the ``TranslationOf`` events as the artifact summaries follow theirs.

A translation is *outdated* when its original was published after the
translation was last created, revised or published, until it is revised.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.catalogue import event_topic
from domain.store import Store, pages_since

BATCH = 1000
# The events after which a translation is up to date with what its original then was.
TRANSLATION_CHANGES = frozenset(
    {"Created", "Revised", "Published", "TranslationOf", "MediaAttached", "MediaDescribed"}
)


class LanguageVersion(Aggregate):
    """What an artifact knows of being a language version of another (its base class)."""

    @event("TranslationOf")
    def record_original(self, original: dict[str, Any], by: str) -> None:
        """This artifact is a translation of ``original`` ({id} here, {uri} on another site;
        its language, and the translator)."""
        # Not a class annotation: eventsourcing would take one for an argument of Created.
        self.original: dict[str, Any] | None = original

    @property
    def translation_of(self) -> dict[str, Any] | None:
        """The original this artifact translates, if it is a translation."""
        found: dict[str, Any] | None = getattr(self, "original", None)
        return found


TRANSLATION_OF = event_topic(LanguageVersion, "TranslationOf")


def original_id(translation_of: dict[str, Any] | None) -> UUID | None:
    """The id of a local original, or None (none, or an original on another site)."""
    if not translation_of or not translation_of.get("id"):
        return None
    try:
        return UUID(str(translation_of["id"]))
    except ValueError:
        return None


class TranslationIndex:
    """Originals and their translations, from the ``TranslationOf`` events of the log."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.position = 0
        self.originals: dict[UUID, UUID] = {}  # translation -> original
        self.translations: dict[UUID, list[UUID]] = {}  # original -> translations
        self.lock = threading.Lock()

    def refresh(self) -> None:
        """Read the ``TranslationOf`` events recorded since the last look, up to the head."""
        with self.lock:
            for batch, reached in pages_since(self.store, self.position, BATCH, [TRANSLATION_OF]):
                for notification in batch:
                    self._link(UUID(str(notification.originator_id)))
                self.position = reached

    def _link(self, translation_id: UUID) -> None:
        if translation_id in self.originals:
            return
        found = original_id(self.store.load(LanguageVersion, translation_id).translation_of)
        if found is not None:
            self.originals[translation_id] = found
            self.translations.setdefault(found, []).append(translation_id)

    def versions(self, artifact_id: UUID, *, refresh: bool = True) -> list[UUID]:
        """Every language version of the work ``artifact_id`` belongs to, original first
        (``refresh=False``: as the log was at the last refresh, for a page of results)."""
        if refresh:
            self.refresh()
        work = self.originals.get(artifact_id, artifact_id)
        return [work, *self.translations.get(work, [])]


def last_change(events: Iterable[Any], names: frozenset[str]) -> datetime | None:
    """The time of the last of ``events`` whose class is named in ``names``."""
    found = None
    for domain_event in events:
        if type(domain_event).__name__ in names:
            found = domain_event.timestamp
    return found


def is_outdated(original_events: Iterable[Any], translation_events: Iterable[Any]) -> bool:
    """Whether the original was published after the translation last changed."""
    published = last_change(original_events, frozenset({"Published"}))
    changed = last_change(translation_events, TRANSLATION_CHANGES)
    return published is not None and changed is not None and published > changed
