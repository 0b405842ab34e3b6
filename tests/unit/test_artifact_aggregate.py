"""The Artifact aggregate on its own: events, lifecycle state and publish requirements."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.artifact import Artifact, missing_for_publication
from domain.errors import InvalidInput
from domain.values import allows_derivatives, normalise_licence

NOW = datetime(2023, 2, 17, tzinfo=UTC)


COMPLETE = {
    "title": "T",
    "body": "B",
    "terms": ["principles:ground-learning-in-place"],
    "place": "tucson",
    "licence": "all-rights-reserved",
}


def new_story(**content: object) -> Artifact:
    return Artifact(id=uuid4(), kind="story", content={**COMPLETE, **content}, by="p1")


def test_created_artifact_is_a_draft_owned_by_its_creator() -> None:
    artifact = new_story(title="A")
    assert artifact.status == "draft"
    assert artifact.owners == ["p1"]
    assert artifact.content["title"] == "A"
    assert artifact.content["language"] == "en"
    assert artifact.published is None


def test_revising_after_publishing_leaves_the_published_version_alone() -> None:
    artifact = new_story(title="First")
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    artifact.revise({"title": "Second"}, by="p1")
    assert artifact.published is not None
    assert artifact.published["content"]["title"] == "First"
    assert artifact.content["title"] == "Second"
    assert artifact.has_unpublished_changes


def test_in_review_only_while_the_submitted_revision_is_unchanged() -> None:
    artifact = new_story(title="A")
    artifact.submit(by="p1")
    assert artifact.in_review
    artifact.revise({"title": "B"}, by="p1")
    assert not artifact.in_review
    artifact.submit(by="p1")
    assert artifact.in_review
    artifact.publish(
        source_version=artifact.version, content=dict(artifact.content), by="e", at=NOW
    )
    assert not artifact.in_review


def test_withdrawal_keeps_reason_and_who() -> None:
    artifact = new_story(title="A")
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    artifact.withdraw(reason="consent withdrawn", by="e", at=NOW)
    assert artifact.status == "withdrawn"
    assert artifact.withdrawal == {
        "reason": "consent withdrawn",
        "by": "e",
        "at": NOW,
        "category": "editorial",
        "note": "",
    }


def test_withdrawal_for_consent_keeps_its_note_for_editors() -> None:
    artifact = new_story(title="A")
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    artifact.withdraw(reason="No longer shown.", by="system", at=NOW, category="consent", note="c1")
    assert artifact.withdrawal is not None
    assert (artifact.withdrawal["category"], artifact.withdrawal["note"]) == ("consent", "c1")


def test_an_unknown_withdrawal_category_is_refused() -> None:
    artifact = new_story(title="A")
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    with pytest.raises(InvalidInput):
        artifact.withdraw(reason="x", by="e", at=NOW, category="whim")


def test_narrowing_changes_the_published_version_and_the_draft() -> None:
    artifact = new_story(title="A")
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    artifact.narrow("members", "none", reason="narrowed", by="system", at=NOW)
    assert artifact.published is not None
    assert artifact.published["content"]["visibility"] == "members"
    assert artifact.content["syndication"] == "none"
    assert artifact.status == "published"


def test_every_change_is_an_event_carrying_who() -> None:
    artifact = new_story(title="A")
    artifact.revise({"body": "b"}, by="p1")
    artifact.submit(by="p1")
    artifact.publish(source_version=2, content=dict(artifact.content), by="e", at=NOW)
    events = artifact.collect_events()
    assert [type(e).__name__ for e in events] == ["Created", "Revised", "Submitted", "Published"]
    assert [e.by for e in events] == ["p1", "p1", "p1", "e"]  # type: ignore[attr-defined]


def test_missing_requirements_are_all_named_at_once() -> None:
    missing = missing_for_publication("excursion-synthesis", {"terms": ["conditions:culture"]})
    assert missing == [
        "a title",
        "a body",
        "at least one principle of practice",
        "a place",
        "a licence",
        "its excursion",
    ]


def test_complete_story_has_nothing_missing() -> None:
    assert missing_for_publication("story", COMPLETE) == []


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        (
            "https://creativecommons.org/licenses/by/4.0/",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        (
            "http://creativecommons.org/licenses/by-sa/4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        ("all-rights-reserved", "all-rights-reserved"),
    ],
)
def test_licences_are_normalised(given: str, canonical: str) -> None:
    assert normalise_licence(given) == canonical


def test_unknown_licence_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_licence("GPL")
    assert "https://creativecommons.org/licenses/by/4.0/" in caught.value.detail


def test_no_derivatives_licences_forbid_adaptation() -> None:
    assert not allows_derivatives("https://creativecommons.org/licenses/by-nc-nd/4.0/")
    assert not allows_derivatives("all-rights-reserved")
    assert allows_derivatives("https://creativecommons.org/licenses/by-sa/4.0/")


def test_a_reference_to_media_that_is_not_attached_blocks_publishing() -> None:
    attached = {"id": "7d5c1a52-0000-4000-8000-000000000001", "kind": "audio", "filename": "a.m4a"}
    body = (
        "Heard: [clip](media:7d5c1a52-0000-4000-8000-000000000001)\n\n"
        '![the garden](media:0b7e0000-0000-4000-8000-00000000dead "title")\n'
        "![again](media:0b7e0000-0000-4000-8000-00000000dead)"
    )
    missing = missing_for_publication("story", {**COMPLETE, "body": body, "media": [attached]})
    assert missing == [
        "the file media:0b7e0000-0000-4000-8000-00000000dead that the text shows, "
        "which is not attached"
    ]


def test_a_detached_file_still_shown_in_the_text_blocks_publishing() -> None:
    artifact = new_story(title="A")
    media = {"id": "m1", "kind": "audio", "filename": "a.m4a"}
    artifact.attach_media(media, by="p1")
    artifact.revise({"body": "Listen: [clip](media:m1)"}, by="p1")
    assert not [m for m in missing_for_publication("story", artifact.content) if "media:m1" in m]
    artifact.detach_media("m1", by="p1")
    assert any("media:m1" in m for m in missing_for_publication("story", artifact.content))


def test_content_saved_without_a_syndication_choice_travels_as_adaptable() -> None:
    from domain.artifact_fields import syndication_of

    assert syndication_of({"syndication": None}) == "adaptable"  # web drafts saved before
    assert syndication_of({}) == "adaptable"  # content from before the field existed
    assert syndication_of({"syndication": "none"}) == "none"
