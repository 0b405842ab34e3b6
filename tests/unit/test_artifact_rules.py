"""The Artifact aggregate's own rules: what may be submitted, published, withdrawn
and revised, refused with the domain's named errors and nothing recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from domain.artifact import Artifact
from domain.errors import Conflict, InvalidInput, NotFound, PublishRequirementsMissing

NOW = datetime(2023, 2, 17, tzinfo=UTC)
COMPLETE = {
    "title": "T",
    "body": "B",
    "terms": ["principles:ground-learning-in-place"],
    "place": "tucson",
    "licence": "all-rights-reserved",
}


def story(**content: Any) -> Artifact:
    artifact = Artifact(id=uuid4(), kind="story", content={**COMPLETE, **content}, by="p1")  # type: ignore[call-arg]
    artifact.collect_events()
    return artifact


def published(**content: Any) -> Artifact:
    artifact = story(**content)
    artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    artifact.collect_events()
    return artifact


def test_revising_records_only_the_fields_that_change() -> None:
    artifact = story()
    assert not artifact.revise({"title": "T"}, by="p1")
    assert artifact.collect_events() == []
    assert artifact.revise({"title": "T", "summary": "S"}, by="p1", note="n")
    (revised,) = artifact.collect_events()
    assert revised.changes == {"summary": "S"}  # type: ignore[attr-defined]
    assert revised.note == "n"  # type: ignore[attr-defined]


def test_a_revision_waiting_for_review_cannot_be_submitted_again() -> None:
    artifact = story()
    artifact.submit(by="p1")
    with pytest.raises(Conflict, match="already waiting for review"):
        artifact.submit(by="p1")
    assert [type(e).__name__ for e in artifact.collect_events()] == ["Submitted"]


def test_nothing_to_review_once_the_revision_is_published() -> None:
    artifact = published()
    with pytest.raises(Conflict, match="Nothing to review"):
        artifact.submit(by="p1")


def test_only_an_editor_submits_a_withdrawn_artifact() -> None:
    artifact = published()
    artifact.withdraw(reason="asked", by="e", at=NOW)
    artifact.revise({"summary": "fixed"}, by="p1")
    with pytest.raises(Conflict, match="reinstated by an editor"):
        artifact.submit(by="p1")
    artifact.submit(by="e", is_editor=True)
    assert artifact.in_review


def test_publishing_names_every_missing_requirement_and_records_nothing() -> None:
    artifact = story(title="", place=None)
    with pytest.raises(PublishRequirementsMissing) as caught:
        artifact.publish(
            source_version=1,
            content=dict(artifact.content),
            by="e",
            at=NOW,
            also_missing=["consent of everyone pictured"],
        )
    assert caught.value.extra["missing"] == [
        "a title",
        "a place",
        "consent of everyone pictured",
    ]
    assert artifact.status == "draft"
    assert artifact.collect_events() == []


def test_an_adaptation_needs_a_note_before_publishing() -> None:
    artifact = story()
    artifact.record_source(source={"url": "https://elsewhere.example/a/1"}, by="p1")
    with pytest.raises(PublishRequirementsMissing, match="what was changed"):
        artifact.publish(source_version=2, content=dict(artifact.content), by="e", at=NOW)


def test_publishing_a_version_that_does_not_exist_is_invalid() -> None:
    artifact = story()
    for version in (0, 2):
        with pytest.raises(InvalidInput) as caught:
            artifact.publish(source_version=version, content=COMPLETE, by="e", at=NOW)
        assert caught.value.extra["field"] == "version"


def test_the_same_content_is_not_published_twice() -> None:
    artifact = published()
    with pytest.raises(Conflict, match="already published exactly"):
        artifact.publish(source_version=1, content=dict(artifact.content), by="e", at=NOW)
    changed = {**artifact.content, "licence": "https://creativecommons.org/licenses/by/4.0/"}
    artifact.publish(source_version=1, content=changed, by="e", at=NOW)
    assert artifact.published is not None and artifact.published["number"] == 2


def test_only_a_published_artifact_is_withdrawn() -> None:
    with pytest.raises(Conflict, match="this one is draft"):
        story().withdraw(reason="r", by="e", at=NOW)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_withdrawal_needs_a_reason(reason: str) -> None:
    artifact = published()
    with pytest.raises(InvalidInput) as caught:
        artifact.withdraw(reason=reason, by="e", at=NOW)
    assert caught.value.extra["field"] == "reason"
    assert artifact.status == "published"


def test_a_withdrawal_reason_is_stored_trimmed_and_control_characters_refused() -> None:
    artifact = published()
    with pytest.raises(InvalidInput, match="U\\+0007"):
        artifact.withdraw(reason="bell\x07", by="e", at=NOW)
    artifact.withdraw(reason="  consent withdrawn  ", by="e", at=NOW)
    assert artifact.withdrawal is not None
    assert artifact.withdrawal["reason"] == "consent withdrawn"


def test_stored_events_keep_their_topics_and_replay_to_the_same_state() -> None:
    app: Application[Any] = Application()
    artifact = story()
    artifact.revise({"summary": "S"}, by="p1")
    artifact.submit(by="p1")
    artifact.publish(source_version=2, content=dict(artifact.content), by="e", at=NOW)
    artifact.withdraw(reason="asked", by="e", at=NOW)
    topics = [get_topic(type(e)) for e in artifact.pending_events]
    assert topics == [
        "domain.artifact:Artifact.Revised",
        "domain.artifact:Artifact.Submitted",
        "domain.artifact:Artifact.Published",
        "domain.artifact:Artifact.Withdrawn",
    ]
    fresh = Artifact(id=artifact.id, kind="story", content=dict(COMPLETE), by="p1")  # type: ignore[call-arg]
    fresh.revise({"summary": "S"}, by="p1")
    fresh.submit(by="p1")
    fresh.publish(source_version=2, content=dict(fresh.content), by="e", at=NOW)
    fresh.withdraw(reason="asked", by="e", at=NOW)
    app.save(fresh)
    replayed: object = app.repository.get(artifact.id)
    assert isinstance(replayed, Artifact)
    assert (replayed.status, replayed.withdrawal, replayed.submitted_version) == (
        "withdrawn",
        {"reason": "asked", "by": "e", "at": NOW, "category": "editorial", "note": ""},
        3,
    )
    assert replayed.content["summary"] == "S"


def test_reports_are_taken_once_and_only_on_public_published_work() -> None:
    report = {"url": "https://elsewhere.example/a/9", "notice_id": "n1", "place": "bisbee"}
    with pytest.raises(NotFound):
        story().accept_report(report, by="site")
    with pytest.raises(NotFound):
        published(visibility="members").accept_report(report, by="site")
    artifact = published()
    assert artifact.accept_report(report, by="site")
    assert not artifact.accept_report(report, by="site"), "the same adaptation again"
    same_notice = {**report, "url": "https://elsewhere.example/a/10"}
    assert not artifact.accept_report(same_notice, by="site"), "the same notice again"
    assert [type(e).__name__ for e in artifact.collect_events()] == ["AdaptationReported"]
    assert artifact.adaptations == [report]
