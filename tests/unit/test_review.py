"""The review conversation's rules (pure: an Artifact and its events, no store)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain import review
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.errors import Conflict, InvalidInput
from domain.notifications import ANSWERED, RETURNED, notifications_for
from tests.unit.test_notifications import StandInDirectory, event


def in_review() -> Artifact:
    artifact = Artifact(  # type: ignore[call-arg]
        id=uuid4(), kind="story", content={"title": "Morning circles"}, by="partner-1"
    )
    artifact.submit(by="partner-1")
    return artifact


def names(artifact: Artifact) -> list[str]:
    return [type(e).__name__ for e in artifact.collect_events()]


def test_returning_takes_the_draft_out_of_review_with_its_comments() -> None:
    artifact = in_review()
    assert artifact.in_review
    review.return_draft(artifact, " Say more. ", {"title": "Shorter?", "body": ""}, by="ed-1")
    assert not artifact.in_review
    [round_] = artifact.returns
    assert round_ == {
        "by": "ed-1",
        "comments": [
            {"id": "r1-general", "field": None, "text": "Say more."},
            {"id": "r1-title", "field": "title", "text": "Shorter?"},
        ],
    }
    # It can be submitted again, changed or not, and returned again in a second round.
    artifact.submit(by="partner-1")
    review.return_draft(artifact, "", {"place": "Which school?"}, by="ed-2")
    assert [c["id"] for c in artifact.returns[1]["comments"]] == ["r2-place"]
    assert review.returners(artifact) == ["ed-1", "ed-2"]
    assert names(artifact) == ["Created", "Submitted", "Returned", "Submitted", "Returned"]


@pytest.mark.parametrize(
    ("general", "fields", "message"),
    [
        ("", {}, "at least one comment"),
        ("  ", {"title": " "}, "at least one comment"),
        ("", {"colour": "Bluer"}, "no field 'colour'"),
        ("x" * (review.MAX_TEXT + 1), {}, "at most"),
        ("Bell\x07", {}, r"U\+0007"),
    ],
)
def test_a_return_needs_real_comments_on_real_fields(
    general: str, fields: dict[str, str], message: str
) -> None:
    artifact = in_review()
    with pytest.raises(InvalidInput, match=message):
        review.return_draft(artifact, general, fields, by="ed-1")
    assert artifact.in_review


def test_only_a_draft_in_review_can_be_returned() -> None:
    artifact = Artifact(  # type: ignore[call-arg]
        id=uuid4(), kind="story", content={}, by="partner-1"
    )
    with pytest.raises(Conflict):
        review.return_draft(artifact, "Early", {}, by="ed-1")
    artifact.submit(by="partner-1")
    review.return_draft(artifact, "Once", {}, by="ed-1")
    with pytest.raises(Conflict):
        review.return_draft(artifact, "Twice", {}, by="ed-1")


def test_answers_name_a_comment_of_this_draft_or_none() -> None:
    artifact = in_review()
    with pytest.raises(Conflict, match="never returned"):
        review.answer(artifact, "Hello?", by="partner-1")
    review.return_draft(artifact, "Say more.", {"title": "Shorter?"}, by="ed-1")
    with pytest.raises(InvalidInput, match="no comment"):
        review.answer(artifact, "Done", by="partner-1", comment_id="r2-title")
    with pytest.raises(InvalidInput, match="Write an answer"):
        review.answer(artifact, "   ", by="partner-1", comment_id="r1-title")
    review.answer(artifact, "Done", by="partner-1", comment_id="r1-title")
    review.answer(artifact, "Thanks!", by="partner-1")
    events = artifact.collect_events()
    last: Any = events[-1]
    assert last.returned_by == ["ed-1"]
    [round_] = review.conversation(events)
    assert [a["text"] for a in round_["comments"][1]["answers"]] == ["Done"]
    assert round_["comments"][0]["answers"] == []
    assert [(a["text"], a["by"], a["comment_id"]) for a in round_["answers"]] == [
        ("Thanks!", "partner-1", None)
    ]
    assert not artifact.in_review  # answering does not resubmit


def test_an_artifact_without_the_returns_attribute_still_reads_as_never_returned() -> None:
    """Snapshots taken before the conversation existed have no ``returns``: the class default."""
    artifact = in_review()
    artifact.__dict__.pop("returns", None)
    assert artifact.returns == ()
    assert review.comment_ids(artifact) == set()


def test_a_return_tells_the_contributors_and_an_answer_the_editors_who_returned_it() -> None:
    directory = StandInDirectory()
    topic, returned = event("Returned", by="ed-1", comments=[{"id": "r1-general"}])
    found = notifications_for(topic, returned, 9, directory)
    assert [(n.kind, n.recipient, n.detail) for n in found] == [
        (RETURNED, "partner-1", {"comments": 1})
    ]
    assert found[0].subject == "Returned with comments: Morning circles"
    assert topic == event_topic(Artifact, "Returned")

    topic, answered = event(
        "CommentAnswered", by="partner-1", comment_id=None, text="ok", returned_by=["ed-1"]
    )
    found = notifications_for(topic, answered, 10, directory)
    # Not ed-2, who never returned it; not the partner, who wrote the answer.
    assert [(n.kind, n.recipient) for n in found] == [(ANSWERED, "ed-1")]
    assert found[0].subject == "Review comments answered: Morning circles"
    assert "ok" not in str(found[0].detail)  # the answer itself stays on the draft's page

    topic, reply = event(
        "CommentAnswered", by="ed-1", comment_id="r1-general", text="Sure", returned_by=["ed-1"]
    )
    assert [n.recipient for n in notifications_for(topic, reply, 11, directory)] == ["partner-1"]


def test_the_conversation_survives_a_snapshot() -> None:
    """After 50 events the archive snapshots an artifact; its returns come back from it."""
    from uuid import UUID

    from domain.application import Archive

    archive = Archive()
    partner = archive.tokens.authenticate(archive.tokens.issue("partner", "P")[0])
    editor = archive.tokens.authenticate(archive.tokens.issue("editor", "E")[0])
    assert partner is not None and editor is not None
    created = archive.artifacts.create(partner, "story", {"title": "Draft"})
    artifact_id = UUID(created.id)
    version = archive.artifacts.submit(partner, artifact_id, created.version).version
    version = archive.review.return_draft(editor, artifact_id, version, general="Hi").version
    for number in range(55):
        version = archive.artifacts.revise(
            partner, artifact_id, version, {"title": f"Draft {number}"}
        ).version
    assert archive.snapshots is not None and list(archive.snapshots.get(artifact_id))
    version = archive.artifacts.submit(partner, artifact_id, version).version
    archive.review.return_draft(editor, artifact_id, version, fields={"title": "Again"})
    rounds = archive.review.conversation(editor, artifact_id)["returns"]
    assert [[c["id"] for c in r["comments"]] for r in rounds] == [["r1-general"], ["r2-title"]]
