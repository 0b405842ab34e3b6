"""Consent enforcement as a use case: the in-memory archive's store, the media store's
fake and a clock that moves only when told (the indexer's view is tested on SQLite and
PostgreSQL in tests/integration/test_consent_enforcement.py)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import consent_rules
from domain.app.consent_enforcement import ConsentEnforcement
from domain.application import Archive
from domain.artifact import Artifact
from domain.consent import Standing
from domain.people import Person
from domain.person_consents import terms_of
from domain.results import now
from infra.bootstrap import seed_frameworks
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places
from tests.fakes import FakeClock, MemoryMediaStore


class Setting:
    def __init__(self) -> None:
        self.archive = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        seed_frameworks(self.archive)
        seed_places(self.archive)
        self.clock = FakeClock(at=now() + timedelta(minutes=1))
        self.media = MemoryMediaStore()
        self.enforcement = ConsentEnforcement(self.archive.store, self.media, self.clock)
        self.person = UUID(str(self.archive.people.record(PARTNER, {"name": "Rosa"}).id))

    def consent(self, **extra: Any) -> UUID:
        data = {"person_id": self.person, "given_by": "person", "method": "online"}
        given = self.archive.people.give(PARTNER, {**data, "scope": "adaptable", **extra})
        return UUID(str(given.id))

    def published_story(self) -> UUID:
        persons = [{"person_id": str(self.person), "role": "named"}]
        created = self.archive.artifacts.create(
            PARTNER, "story", {**READY_STORY, "persons": persons}
        )
        artifact_id = UUID(created.id)
        submitted = self.archive.artifacts.submit(PARTNER, artifact_id, created.version)
        self.archive.artifacts.publish(EDITOR, artifact_id, submitted.version)
        return artifact_id

    def apply(self, artifact_id: UUID) -> str:
        person = self.archive.store.load(Person, self.person)
        standings = {str(self.person): Standing.of(person)}
        consents = terms_of(self.archive.store, [person])
        return self.enforcement.apply(artifact_id, standings, consents).action

    def artifact(self, artifact_id: UUID) -> Artifact:
        return self.archive.store.load(Artifact, artifact_id)


@pytest.fixture
def setting() -> Setting:
    return Setting()


def test_a_consent_in_force_keeps_the_artifact(setting: Setting) -> None:
    setting.consent()
    artifact_id = setting.published_story()
    head = setting.archive.store.head
    assert setting.apply(artifact_id) == "keep"
    assert setting.archive.store.head == head, "nothing written"


def test_a_withdrawn_consent_withdraws_it_once_at_the_clocks_time(setting: Setting) -> None:
    given = setting.consent()
    artifact_id = setting.published_story()
    setting.archive.people.withdraw(PARTNER, given, None)
    setting.clock.advance(60)
    assert setting.apply(artifact_id) == "withdraw"
    withdrawn = setting.artifact(artifact_id)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.withdrawal is not None
    assert withdrawn.withdrawal["reason"] == consent_rules.WITHDRAWN_REASON
    assert "Rosa" not in withdrawn.withdrawal["reason"]
    assert str(given) in withdrawn.withdrawal["note"]
    head = setting.archive.store.head
    assert setting.apply(artifact_id) == "keep", "applied again, nothing more is written"
    assert setting.archive.store.head == head


def test_an_expiry_applies_only_once_the_clock_has_passed_it(setting: Setting) -> None:
    setting.consent(expires_at=setting.clock.now() + timedelta(hours=2))
    artifact_id = setting.published_story()
    setting.clock.advance(3600)
    assert setting.apply(artifact_id) == "keep"
    setting.clock.advance(3600)
    assert setting.apply(artifact_id) == "withdraw"
    assert setting.artifact(artifact_id).status == "withdrawn"


def test_an_artifact_that_is_not_there_is_gone(setting: Setting) -> None:
    assert setting.apply(uuid4()) == "gone"


def attach_photo(setting: Setting, artifact_id: UUID) -> tuple[str, list[str]]:
    media_id = str(uuid4())
    keys = [f"objects/{media_id}", f"objects/{media_id}-thumb"]
    for key in keys:
        setting.media.put(key, io.BytesIO(b"pixels of a person"), "image/png")
    artifact = setting.artifact(artifact_id)
    artifact.attach_media(
        media={
            "id": media_id,
            "kind": "image",
            "filename": "circle.png",
            "content_type": "image/png",
            "alt": "Students in a circle",
            "caption": "",
            "key": keys[0],
            "variants": {"thumb": {"key": keys[1], "content_type": "image/webp"}},
        },
        by=str(PARTNER.id),
    )
    setting.archive.store.save(artifact)
    return media_id, keys


def test_an_erasure_deletes_the_media_showing_the_person_and_only_those(
    setting: Setting,
) -> None:
    setting.consent()
    persons = [{"person_id": str(setting.person), "role": "named"}]
    created = setting.archive.artifacts.create(
        PARTNER, "story", {**READY_STORY, "persons": persons}
    )
    artifact_id = UUID(created.id)
    photo, photo_keys = attach_photo(setting, artifact_id)
    other, other_keys = attach_photo(setting, artifact_id)
    pictured = [{"person_id": str(setting.person), "role": "pictured", "media": [photo]}]
    version = setting.artifact(artifact_id).version
    setting.archive.artifacts.revise(PARTNER, artifact_id, version, {"persons": pictured})
    setting.archive.people.erase(PARTNER, setting.person)
    assert setting.apply(artifact_id) == "keep", "a draft is not withdrawn, only stripped"
    assert sorted(setting.media.keys()) == sorted(other_keys)
    assert not any(setting.media.exists(key) for key in photo_keys)
    artifact = setting.artifact(artifact_id)
    assert artifact.media_item(photo) is None and artifact.media_item(other) is not None
