"""The Archive application on a real store (SQLite file and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.access import ANONYMOUS
from domain.application import Archive
from domain.artifact import Artifact
from domain.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    PublishRequirementsMissing,
    VersionConflict,
)
from domain.policy import NotSignedIn
from tests.conftest import EDITOR, MEMBER, OTHER_PARTNER, PARTNER


def publish_ready(archive: Archive, content: dict[str, object]) -> UUID:
    created = archive.artifacts.create(PARTNER, "story", content)
    artifact_id = UUID(created.id)
    archive.artifacts.publish(EDITOR, artifact_id, created.version)
    return artifact_id


def test_lifecycle_draft_revise_submit_publish_revise_withdraw(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    created = archive.artifacts.create(PARTNER, "story", {"title": "Draft title"})
    artifact_id = UUID(created.id)
    assert created.position is not None and created.position > 0
    revised = archive.artifacts.revise(PARTNER, artifact_id, 1, {**ready_story})
    submitted = archive.artifacts.submit(PARTNER, artifact_id, revised.version)
    queue = archive.reading.list_artifacts(EDITOR, in_review=True)["items"]
    assert [item["id"] for item in queue] == [created.id]
    published = archive.artifacts.publish(EDITOR, artifact_id, submitted.version)
    assert published.position is not None and published.position > submitted.position  # type: ignore[operator]

    archive.artifacts.revise(PARTNER, artifact_id, published.version, {"title": "Changed later"})
    reader_view = archive.reading.get_artifact(ANONYMOUS, artifact_id)
    assert reader_view["title"] == ready_story["title"], (
        "the published version stays until republished"
    )
    assert (
        archive.reading.get_artifact(PARTNER, artifact_id, draft=True)["title"] == "Changed later"
    )

    archive.artifacts.withdraw(EDITOR, artifact_id, "Family asked us to take it down")
    with pytest.raises(Gone, match="Family asked"):
        archive.reading.get_artifact(ANONYMOUS, artifact_id)
    types = [
        entry["type"] for entry in archive.reading.artifact_history(EDITOR, artifact_id, draft=True)
    ]
    assert types == ["Created", "Revised", "Submitted", "Published", "Revised", "Withdrawn"]


def test_publishing_names_every_missing_requirement(archive: Archive) -> None:
    created = archive.artifacts.create(PARTNER, "excursion-synthesis", {"summary": "only this"})
    with pytest.raises(PublishRequirementsMissing) as caught:
        archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    assert caught.value.extra["missing"] == [
        "a title",
        "a body",
        "at least one principle of practice",
        "a place",
        "a licence",
        "its excursion",
    ]
    assert archive.load(Artifact, UUID(created.id)).status == "draft", "nothing recorded"


def test_publish_a_specific_earlier_revision(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    created = archive.artifacts.create(PARTNER, "story", ready_story)
    artifact_id = UUID(created.id)
    later = archive.artifacts.revise(PARTNER, artifact_id, 1, {"title": "Not yet approved"})
    archive.artifacts.publish(EDITOR, artifact_id, later.version, revision_version=1)
    assert archive.reading.get_artifact(ANONYMOUS, artifact_id)["title"] == ready_story["title"]


def test_stale_version_is_refused_and_nothing_is_lost(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    created = archive.artifacts.create(PARTNER, "story", ready_story)
    artifact_id = UUID(created.id)
    archive.artifacts.revise(PARTNER, artifact_id, 1, {"summary": "first editor's change"})
    with pytest.raises(VersionConflict) as caught:
        archive.artifacts.revise(PARTNER, artifact_id, 1, {"summary": "second, stale"})
    assert caught.value.extra["current_version"] == 2
    assert caught.value.extra["current"]["summary"] == "first editor's change"
    assert (
        archive.reading.get_artifact(PARTNER, artifact_id, draft=True)["summary"]
        == "first editor's change"
    )


def test_unknown_terms_places_and_licences_are_refused_with_the_valid_choices(
    archive: Archive,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        archive.artifacts.create(PARTNER, "story", {"terms": ["principles:lead-with-love"]})
    assert "principles:lead-with-learning" in caught.value.detail
    with pytest.raises(InvalidInput, match="Unknown place 'atlantis'"):
        archive.artifacts.create(PARTNER, "story", {"place": "atlantis"})
    with pytest.raises(InvalidInput, match="Unknown licence"):
        archive.artifacts.create(PARTNER, "story", {"licence": "public domain please"})
    with pytest.raises(InvalidInput, match="Unknown stage"):
        archive.artifacts.create(PARTNER, "story", {"stage": "conditions:mastering"})
    with pytest.raises(InvalidInput, match="has no field"):
        archive.artifacts.create(PARTNER, "story", {"presentations": []})
    with pytest.raises(InvalidInput, match="Unknown kind"):
        archive.artifacts.create(PARTNER, "poem", {})


def test_competencies_and_stages_are_valid_terms(archive: Archive) -> None:
    created = archive.artifacts.create(
        PARTNER,
        "story",
        {
            "terms": ["conditions:relationships", "network-features:collaborative-inquiry-cycles"],
            "stage": "conditions:developing",
        },
    )
    assert (
        archive.reading.get_artifact(PARTNER, UUID(created.id), draft=True)["stage"]
        == "conditions:developing"
    )


def test_who_may_see_and_change_what(archive: Archive, ready_story: dict[str, object]) -> None:
    draft = UUID(archive.artifacts.create(PARTNER, "story", ready_story).id)
    for outsider in (ANONYMOUS, MEMBER, OTHER_PARTNER):
        with pytest.raises(NotFound):
            archive.reading.get_artifact(outsider, draft)
    # Refusals say nothing about the draft: by role, or as if it did not exist.
    with pytest.raises(NotSignedIn):
        archive.artifacts.revise(ANONYMOUS, draft, 1, {"title": "x"})
    with pytest.raises(Forbidden, match="role \\(member\\) may not change"):
        archive.artifacts.revise(MEMBER, draft, 1, {"title": "x"})
    with pytest.raises(NotFound):
        archive.artifacts.revise(OTHER_PARTNER, draft, 1, {"title": "x"})
    assert archive.reading.get_artifact(EDITOR, draft, draft=True)["title"] == ready_story["title"]
    with pytest.raises(Forbidden):
        archive.artifacts.publish(PARTNER, draft, 1)

    members_only = UUID(
        archive.artifacts.create(PARTNER, "story", {**ready_story, "visibility": "members"}).id
    )
    archive.artifacts.publish(EDITOR, members_only, 1)
    with pytest.raises(NotSignedIn):
        archive.reading.get_artifact(ANONYMOUS, members_only)
    assert archive.reading.get_artifact(MEMBER, members_only)["visibility"] == "members"
    with pytest.raises(Forbidden, match="contributors and editors"):
        archive.artifacts.revise(OTHER_PARTNER, members_only, 2, {"title": "mine now"})


def test_reading_the_past_by_version_and_by_moment(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    artifact_id = publish_ready(archive, ready_story)
    between = datetime.now(UTC)
    time.sleep(0.01)
    archive.artifacts.revise(PARTNER, artifact_id, 2, {"title": "Second title"})
    archive.artifacts.publish(EDITOR, artifact_id, 3)
    assert archive.reading.get_artifact(ANONYMOUS, artifact_id)["title"] == "Second title"
    assert (
        archive.reading.get_artifact(ANONYMOUS, artifact_id, version=2)["title"]
        == ready_story["title"]
    )
    assert (
        archive.reading.get_artifact(ANONYMOUS, artifact_id, as_of=between)["title"]
        == ready_story["title"]
    )
    with pytest.raises(NotFound, match="did not exist yet"):
        archive.reading.get_artifact(ANONYMOUS, artifact_id, as_of=between - timedelta(days=1))
    with pytest.raises(NotFound, match="versions run from 1 to 4"):
        archive.reading.get_artifact(ANONYMOUS, artifact_id, version=9)


def test_diff_shows_field_changes_and_body_lines(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    artifact_id = publish_ready(archive, ready_story)
    archive.artifacts.revise(
        PARTNER,
        artifact_id,
        2,
        {"body": "# Morning circles\n\nWe began with *talking*.", "themes": ["voice"]},
    )
    archive.artifacts.publish(EDITOR, artifact_id, 3)
    diff = archive.reading.artifact_diff(ANONYMOUS, artifact_id, 2, 4)
    assert {"field": "themes", "from": ["belonging"], "to": ["voice"]} in diff["fields"]
    assert "-We began with *listening*." in diff["body_diff"]
    assert "+We began with *talking*." in diff["body_diff"]


def test_reader_history_shows_publications_only(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    artifact_id = publish_ready(archive, ready_story)
    archive.artifacts.revise(PARTNER, artifact_id, 2, {"title": "Private working title"})
    entries = archive.reading.artifact_history(ANONYMOUS, artifact_id)
    assert [e["type"] for e in entries] == ["Published"]
    assert entries[0]["by"] == EDITOR.id


def test_idempotency_key_returns_the_same_artifact(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    first = archive.artifacts.create(PARTNER, "story", ready_story, idempotency_key="k-1")
    again = archive.artifacts.create(PARTNER, "story", ready_story, idempotency_key="k-1")
    assert (again.id, again.created) == (first.id, False)
    other_partner = archive.artifacts.create(
        OTHER_PARTNER, "story", ready_story, idempotency_key="k-1"
    )
    assert other_partner.id != first.id, "keys are per caller"
    with pytest.raises(Conflict, match="different request"):
        archive.artifacts.create(PARTNER, "story", {"title": "else"}, idempotency_key="k-1")


def test_thousand_revisions_load_from_a_snapshot(archive: Archive) -> None:
    created = archive.artifacts.create(PARTNER, "story", {"title": "t0", "body": "b" * 2000})
    artifact_id = UUID(created.id)
    version = created.version
    for n in range(1, 1000):
        version = archive.artifacts.revise(
            PARTNER, artifact_id, version, {"title": f"t{n}"}
        ).version
    assert version == 1000
    assert archive.snapshots is not None
    snapshots = list(archive.snapshots.get(artifact_id, desc=True, limit=1))
    assert snapshots and snapshots[0].originator_version == 1000
    archive.repository.cache = None  # read from the store, not the in-process cache
    assert archive.load(Artifact, artifact_id).content["title"] == "t999"


def test_tokens_are_stored_as_hashes_and_can_be_revoked(archive: Archive) -> None:
    token, token_id = archive.tokens.issue("editor", "Rosa")
    principal = archive.tokens.authenticate(token)
    assert principal is not None and principal.name == "Rosa" and principal.is_editor
    assert archive.tokens.authenticate(token + "x") is None
    stored = [n.state for n in archive.recorder.select_notifications(1, 10_000)]
    assert not any(token.encode() in state for state in stored), "the token itself is never stored"
    archive.tokens.revoke(UUID(token_id))
    assert archive.tokens.authenticate(token) is None
    assert [t["revoked"] for t in archive.tokens.issued() if t["id"] == token_id] == [True]


def test_withdraw_needs_a_published_artifact_and_a_reason(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    draft = UUID(archive.artifacts.create(PARTNER, "story", ready_story).id)
    with pytest.raises(Conflict, match="Only a published artifact"):
        archive.artifacts.withdraw(EDITOR, draft, "why")
    published = publish_ready(archive, ready_story)
    with pytest.raises(InvalidInput, match="reason"):
        archive.artifacts.withdraw(EDITOR, published, "   ")


def test_places_know_their_ancestors_and_what_is_inside(archive: Archive) -> None:
    place = archive.catalogue.get_place("tucson")
    assert [p["slug"] for p in place["ancestors"]] == ["us", "arizona"]
    assert [p["slug"] for p in place["children"]] == ["sunnyside"]
    assert archive.catalogue.places_within("arizona") == {
        "arizona",
        "tucson",
        "sunnyside",
        "desert-view",
    }
