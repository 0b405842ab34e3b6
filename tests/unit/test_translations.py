"""Language versions in the domain: the TranslationOf event on the new artifact only,
the index of versions derived from the log, the rules of translating and linking, and
when a translation is out of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.access import ANONYMOUS
from domain.application import Archive
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.translations import TRANSLATION_OF, is_outdated
from infra.bootstrap import seed_frameworks
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places


@pytest.fixture
def archive() -> Archive:
    found = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed_frameworks(found)
    seed_places(found)
    return found


def published(archive: Archive, **content: Any) -> UUID:
    created = archive.artifacts.create(PARTNER, "story", {**READY_STORY, **content})
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return UUID(created.id)


def test_translating_records_the_link_on_the_translation_only(archive: Archive) -> None:
    original = published(archive)
    before = archive.artifacts.load(original).version
    made = archive.translations.translate(PARTNER, original, "es", translator="Ana Ruiz")
    translation = archive.artifacts.load(UUID(made.id))
    assert [type(e).__name__ for e in archive.store.events_of(translation.id)] == [
        "Created",
        "TranslationOf",
    ]
    assert translation.translation_of == {
        "id": str(original),
        "language": "en",
        "title": READY_STORY["title"],
        "version": before,
        "translator": "Ana Ruiz",
    }
    assert archive.artifacts.load(original).version == before  # the original is untouched
    assert translation.content["language"] == "es"
    assert {"name": "Ana Ruiz", "role": "translator"} in translation.content["contributors"]
    assert [n.topic for n in archive.store.notifications(1, 1000, stop=None, topics=[])].count(
        TRANSLATION_OF
    ) == 1


def test_the_index_lists_every_version_of_the_work_from_any_of_them(archive: Archive) -> None:
    original = published(archive)
    spanish = UUID(archive.translations.translate(PARTNER, original, "es").id)
    french = UUID(archive.translations.translate(PARTNER, spanish, "fr").id)
    index = archive.translations.index
    assert index.versions(original) == [original, spanish, french]
    assert index.versions(french) == [original, spanish, french]
    # A French version made from the Spanish one translates the same original.
    link = archive.artifacts.load(french).translation_of
    assert link is not None
    assert link["id"] == str(original) and link["from"] == {"id": str(spanish), "language": "es"}
    assert index.originals[french] == original
    assert index.versions(published(archive)) != index.versions(original)


def test_only_partners_translate_and_never_into_a_language_the_work_has(
    archive: Archive,
) -> None:
    original = published(archive)
    with pytest.raises(Forbidden):
        archive.translations.translate(ANONYMOUS, original, "es")
    with pytest.raises(InvalidInput, match="already in en"):
        archive.translations.translate(PARTNER, original, "en")
    archive.translations.translate(PARTNER, original, "es")
    with pytest.raises(Conflict, match="already a version in es"):
        archive.translations.translate(EDITOR, original, "es")


def test_linking_is_for_editors_and_recorded_once(archive: Archive) -> None:
    english = published(archive)
    spanish = published(archive, language="es", title="Círculos")
    with pytest.raises(Forbidden):
        archive.translations.link(PARTNER, spanish, english, "Ana Ruiz")
    assert archive.translations.link(EDITOR, spanish, english, "Ana Ruiz").position
    again = archive.translations.link(EDITOR, spanish, english, "Ana Ruiz")
    assert again.position is None and not again.created
    other = published(archive, language="es", title="Otra")
    with pytest.raises(Conflict, match="already a version in es"):
        archive.translations.link(EDITOR, other, english, "Ana Ruiz")
    with pytest.raises(Conflict, match="no translation itself"):
        archive.translations.link(EDITOR, other, spanish, "Ana Ruiz")


@dataclass
class Published:
    timestamp: datetime


@dataclass
class Revised:
    timestamp: datetime


def test_outdated_when_the_original_was_published_after_the_translation_changed() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    later = start + timedelta(days=1)
    assert not is_outdated([Published(start)], [Revised(later)])
    assert is_outdated([Published(start), Published(later)], [Revised(start)])
    assert not is_outdated([], [Revised(start)])  # nothing published: nothing to follow
    assert not is_outdated([Published(later)], [Revised(start), Published(later)])
