"""The translation index reads the log once: each refresh starts where the last ended.

The event log has no index by topic, so looking for ``TranslationOf`` events reads
every event after the index's position. A refresh must therefore move the position to
the head it read up to, even when it found no translation; and a page of search hits
refreshes once, not once for each hit. (Before, the position stayed at the last
``TranslationOf``, so on an archive with few translations every hit of every search
read the whole log again: about 55 ms a search at 2,000 artifacts, seconds at a million.)
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from domain.artifact import Artifact
from domain.store import ApplicationStore
from domain.translations import TRANSLATION_OF, LanguageVersion, TranslationIndex

CONTENT = {"title": "T", "body": "B", "terms": [], "place": "tucson",
           "licence": "all-rights-reserved"}  # fmt: skip


class ReadCountingStore(ApplicationStore):
    """The real store port over an in-memory application, counting the events it reads
    for a topic-filtered request as the SQL does: every row from start to stop."""

    def __init__(self, app: Application[UUID]) -> None:
        super().__init__(app)
        self.rows_scanned = 0

    def notifications(
        self, start: int, limit: int, *, stop: int | None, topics: Sequence[str]
    ) -> Sequence[Notification]:
        found = super().notifications(start, limit, stop=stop, topics=topics)
        last = found[-1].id if len(found) == limit else (stop or self.head)
        self.rows_scanned += max(0, last - start + 1)
        return found


def artifacts(store: ReadCountingStore, n: int) -> list[Artifact]:
    made = []
    for _ in range(n):
        artifact = Artifact(id=uuid4(), kind="story", content=dict(CONTENT), by="p1")  # type: ignore[call-arg]
        store.save(artifact)
        made.append(artifact)
    return made


def test_a_refresh_without_translations_moves_to_the_head() -> None:
    store = ReadCountingStore(Application())
    artifacts(store, 30)
    index = TranslationIndex(store)
    index.refresh()
    assert index.position == store.head == 30
    store.rows_scanned = 0
    index.refresh()
    assert store.rows_scanned == 0, "nothing new: nothing read"
    artifacts(store, 5)
    index.refresh()
    assert store.rows_scanned == 5, "only the five events written since the last look"
    assert index.position == 35


def test_a_translation_after_many_other_events_is_found_and_read_past() -> None:
    store = ReadCountingStore(Application())
    original, translation = artifacts(store, 2)
    index = TranslationIndex(store)
    index.refresh()
    translation_id = translation.id
    # A translation's link, recorded on the translation (as the domain's command does).
    version = store.load(LanguageVersion, translation_id)
    version.record_original(original={"id": str(original.id), "language": "es"}, by="p1")
    store.save(version)
    artifacts(store, 10)
    assert TRANSLATION_OF in {n.topic for n in store.notifications(1, 100, stop=None, topics=())}
    assert index.versions(original.id) == [original.id, translation_id]
    assert index.versions(translation_id) == [original.id, translation_id]
    assert index.position == store.head
    store.rows_scanned = 0
    assert index.versions(original.id) == [original.id, translation_id]
    assert store.rows_scanned == 0
