"""Consent enforcement in the indexer: ended consents, expiries and erasures reach the artifacts.

Every test runs on SQLite and PostgreSQL (the ``container`` fixture). The indexer
is the real one with its real views; only the clock is a fake, so that time moves
when a test says so.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import consent_rules
from domain.artifact import Artifact
from domain.ports.media import MediaStoreUnavailable
from domain.results import now
from infra.bootstrap import Container
from services.indexer.consent import ConsentFollower
from services.indexer.runner import Indexer
from tests.conftest import EDITOR, PARTNER, READY_STORY
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at=datetime.now(UTC) + timedelta(minutes=1))


def indexer_for(container: Container, clock: FakeClock) -> Indexer:
    follower = ConsentFollower(
        container.archive, container.media.store, clock, vault=container.vault
    )
    return Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
        consents=follower,
    )


def person(container: Container, name: str = "Rosa Student") -> UUID:
    return UUID(str(container.archive.people.record(PARTNER, {"name": name}).id))


def consent(container: Container, person_id: UUID, scope: str, **extra: Any) -> UUID:
    data = {"person_id": person_id, "given_by": "person", "method": "online", "scope": scope}
    return UUID(str(container.archive.people.give(PARTNER, {**data, **extra}).id))


def story(container: Container, persons: list[dict[str, Any]], **content: Any) -> UUID:
    created = container.archive.artifacts.create(
        PARTNER, "story", {**READY_STORY, "persons": persons, **content}
    )
    return UUID(str(created.id))


def publish(container: Container, artifact_id: UUID) -> None:
    artifacts = container.archive.artifacts
    version = container.archive.load(Artifact, artifact_id).version
    submitted = artifacts.submit(PARTNER, artifact_id, version)
    artifacts.publish(EDITOR, artifact_id, submitted.version)


def listed(person_id: UUID, role: str = "named", **extra: Any) -> list[dict[str, Any]]:
    return [{"person_id": str(person_id), "role": role, **extra}]


def load(container: Container, artifact_id: UUID) -> Artifact:
    return container.archive.load(Artifact, artifact_id)


def test_a_withdrawn_consent_withdraws_the_artifact_in_the_same_indexer_pass(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    given = consent(container, rosa, "adaptable")
    artifact_id = story(container, listed(rosa))
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    indexer.catch_up()
    assert str(artifact_id) in container.search.all_ids()

    container.archive.people.withdraw(PARTNER, given, None)
    clock.advance(60)
    indexer.step()  # one pass of every view

    artifact = load(container, artifact_id)
    assert artifact.status == "withdrawn"
    assert artifact.withdrawal is not None
    assert artifact.withdrawal["category"] == "consent"
    assert artifact.withdrawal["reason"] == consent_rules.WITHDRAWN_REASON
    assert "Rosa" not in artifact.withdrawal["reason"]
    assert str(given) in artifact.withdrawal["note"] and str(rosa) in artifact.withdrawal["note"]
    # The search view read the withdrawal in the same pass.
    assert container.search.position(container.archive.name) == container.archive.head
    assert str(artifact_id) not in container.search.all_ids()


def test_narrowing_public_consent_to_members_narrows_the_artifact(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    given = consent(container, rosa, "adaptable", artifact_id=None)
    artifact_id = story(container, listed(rosa))
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    indexer.catch_up()

    container.archive.people.narrow(PARTNER, given, "members", None)
    clock.advance(60)
    indexer.catch_up()

    artifact = load(container, artifact_id)
    assert artifact.status == "published"
    assert artifact.published is not None
    content = artifact.published["content"]
    assert (content["visibility"], content["syndication"]) == ("members", "none")
    assert artifact.narrowing is not None
    assert artifact.narrowing["reason"] == consent_rules.NARROWED_REASON


def test_an_expiry_is_applied_when_the_clock_passes_it_with_no_one_acting(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    consent(container, rosa, "adaptable", expires_at=now() + timedelta(hours=2))
    artifact_id = story(container, listed(rosa))
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    indexer.catch_up()
    assert load(container, artifact_id).status == "published"

    clock.advance(3600)  # an hour on: not yet
    indexer.catch_up()
    assert load(container, artifact_id).status == "published"

    clock.advance(2 * 3600)  # the expiry has passed; nobody wrote anything
    head = container.archive.head
    indexer.catch_up()
    artifact = load(container, artifact_id)
    assert artifact.status == "withdrawn"
    assert artifact.withdrawal is not None and artifact.withdrawal["category"] == "consent"
    assert container.archive.head == head + 1  # exactly the withdrawal


def put(container: Container, key: str) -> None:
    container.media.store.put(key, io.BytesIO(b"pixels of a person"), "image/png")


def attach_photo(container: Container, artifact_id: UUID) -> tuple[str, list[str]]:
    media_id = str(uuid4())
    keys = [f"objects/{media_id}", f"objects/{media_id}-thumb"]
    for key in keys:
        put(container, key)
    artifact = load(container, artifact_id)
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
    container.archive.store.save(artifact)
    return media_id, keys


def test_an_erasure_withdraws_the_artifact_and_destroys_the_media_showing_the_person(
    container: Container, clock: FakeClock
) -> None:
    rosa, sam = person(container), person(container, "Sam Other")
    consent(container, rosa, "adaptable")
    consent(container, sam, "adaptable")
    artifact_id = story(container, [])
    photo, photo_keys = attach_photo(container, artifact_id)
    other, other_keys = attach_photo(container, artifact_id)
    persons = [
        {"person_id": str(rosa), "role": "pictured", "media": [photo]},
        {"person_id": str(sam), "role": "pictured", "media": [other]},
    ]
    version = load(container, artifact_id).version
    container.archive.artifacts.revise(PARTNER, artifact_id, version, {"persons": persons})
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    indexer.catch_up()
    assert load(container, artifact_id).status == "published"

    container.archive.people.erase(PARTNER, rosa)
    indexer.catch_up()

    artifact = load(container, artifact_id)
    assert artifact.status == "withdrawn"
    assert artifact.withdrawal is not None
    assert "erased" in artifact.withdrawal["note"]
    assert all(not container.media.store.exists(key) for key in photo_keys)
    assert artifact.media_item(photo) is None
    # Only the media that show the erased person go.
    assert all(container.media.store.exists(key) for key in other_keys)
    assert artifact.media_item(other) is not None


def test_a_publish_that_raced_a_withdrawal_ends_withdrawn(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    given = consent(container, rosa, "adaptable")
    artifact_id = story(container, listed(rosa))
    artifacts = container.archive.artifacts
    submitted = artifacts.submit(PARTNER, artifact_id, load(container, artifact_id).version)
    stale = load(container, artifact_id)  # the publish checked consent on this read
    container.archive.people.withdraw(PARTNER, given, None)
    indexer = indexer_for(container, clock)
    indexer.catch_up()  # the withdrawal is folded while the artifact is still a draft
    stale.publish(submitted.version, dict(stale.content), str(EDITOR.id), now())
    container.archive.store.save(stale)
    clock.advance(60)
    indexer.catch_up()
    artifact = load(container, artifact_id)
    assert artifact.status == "withdrawn"
    assert artifact.withdrawal is not None and artifact.withdrawal["category"] == "consent"


def test_replay_and_a_crash_before_tracking_write_nothing_twice(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    given = consent(container, rosa, "adaptable")
    artifact_id = story(container, listed(rosa))
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    indexer.catch_up()
    container.archive.people.withdraw(PARTNER, given, None)
    clock.advance(60)
    indexer.catch_up()
    head = container.archive.head
    assert load(container, artifact_id).status == "withdrawn"

    # A new follower over a new, empty state replays the whole log.
    from infra.readmodel.consents import consents_beside

    fresh = ConsentFollower(
        container.archive,
        container.media.store,
        clock,
        state=_empty_state(container, consents_beside),
    )
    fresh.name = f"{container.archive.name}#consents-replay"
    while fresh.step():
        pass
    assert container.archive.head == head
    assert fresh.enforced == []

    # The artifact's decision marked pending again, as after a crash between write and flag.
    follower = indexer.consents
    assert follower is not None and follower.facts is not None
    follower.facts.mark([str(artifact_id)])
    follower.step()
    assert container.archive.head == head


def _empty_state(container: Container, beside: Any) -> Any:
    """The consent state under another tracking name: a replay from the start of the log."""
    state = beside(container.archive.recorder.datastore)  # type: ignore[attr-defined]
    with state.datastore.transaction(commit=True) as cursor:
        for kind in ("artifacts", "terms", "standings", "meta"):
            cursor.execute(state.sql(f"DELETE FROM {{p}}cp_consent_{kind}"))
    return state


class FlakyMediaStore:
    """The container's media store, away for the first ``failures`` deletions."""

    def __init__(self, store: Any, failures: int) -> None:
        self.store = store
        self.failures = failures

    def delete(self, key: str) -> None:
        if self.failures:
            self.failures -= 1
            raise MediaStoreUnavailable("The object store did not answer.")
        self.store.delete(key)


def test_an_erasure_whose_media_store_is_away_is_applied_at_a_later_step(
    container: Container, clock: FakeClock
) -> None:
    rosa = person(container)
    consent(container, rosa, "adaptable")
    artifact_id = story(container, [])
    photo, keys = attach_photo(container, artifact_id)
    version = load(container, artifact_id).version
    container.archive.artifacts.revise(
        PARTNER, artifact_id, version, {"persons": listed(rosa, "pictured", media=[photo])}
    )
    publish(container, artifact_id)
    indexer = indexer_for(container, clock)
    assert indexer.consents is not None
    flaky = FlakyMediaStore(container.media.store, failures=1_000)
    indexer.consents.enforcement.media = flaky  # type: ignore[assignment]
    indexer.catch_up()
    container.archive.people.erase(PARTNER, rosa)
    indexer.catch_up()  # the media store fails: nothing is recorded, the decision stays pending
    assert load(container, artifact_id).status == "published"
    assert indexer.consents.facts is not None
    assert indexer.consents.facts.pending() == [str(artifact_id)]
    flaky.failures = 0  # the store is back
    indexer.step()
    assert load(container, artifact_id).status == "withdrawn"
    assert all(not container.media.store.exists(key) for key in keys)
    assert indexer.consents.facts.pending() == []
