"""Responses' rules on the aggregate and in the commands (the archive of the tests), their
notifications, and where every notification's link points (inbox and email alike)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.access import ANONYMOUS, Principal, Role
from domain.application import Archive
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from domain.notification_links import link
from domain.notifications import (
    RESPONSE_APPROVED,
    RESPONSE_DECLINED,
    RESPONSE_PENDING,
    notifications_for,
)
from domain.outbox import Notice
from domain.policy import NotSignedIn
from domain.response import APPROVED, DECLINED, PENDING, WITHDRAWN, Response
from infra.mail import EmailNotifier, SmtpMailer, SmtpSettings
from tests.conftest import READY_STORY
from tests.unit.test_notifications import ARTIFACT, StandInDirectory

MEMBER = Principal("member-1", "Ana", Role.MEMBER)
OTHER = Principal("member-2", "Ben", Role.MEMBER)
EDITOR = Principal("editor-1", "Eda", Role.EDITOR)
PARTNER = Principal("partner-1", "Pat", Role.PARTNER)


def new_response(**changes: Any) -> Response:
    fields: dict[str, Any] = {"artifact_id": str(ARTIFACT), "author": "member-1"}
    fields.update(author_name="Ana", text="Thoughtful.", syndicate=False, **changes)
    return Response(id=uuid4(), **fields)  # type: ignore[call-arg]


def test_a_response_is_moderated_once() -> None:
    response = new_response()
    assert response.status == PENDING
    response.approve(by="editor-1")
    assert response.status == APPROVED
    with pytest.raises(Conflict):
        response.decline(by="editor-1", reason="Late.")


def test_declining_needs_a_reason_within_limits() -> None:
    response = new_response()
    with pytest.raises(InvalidInput):
        response.decline(by="editor-1", reason="  ")
    with pytest.raises(InvalidInput):
        response.decline(by="editor-1", reason="x" * 1001)
    response.decline(by="editor-1", reason="Names a student.")
    assert (response.status, response.reason) == (DECLINED, "Names a student.")


def test_only_its_author_withdraws_it_and_only_once() -> None:
    response = new_response()
    with pytest.raises(Forbidden):
        response.withdraw(by="member-2")
    response.withdraw(by="member-1")
    assert response.status == WITHDRAWN
    with pytest.raises(Conflict):
        response.withdraw(by="member-1")


def published(archive: Archive, visibility: str = "public") -> UUID:
    content = {**READY_STORY, "visibility": visibility}
    created = archive.artifacts.create(PARTNER, "story", content)
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return UUID(created.id)


def test_the_commands_apply_who_sees_what(archive: Archive) -> None:
    artifact_id = published(archive)
    with pytest.raises(NotSignedIn):
        archive.responses.submit(ANONYMOUS, artifact_id, "Hello there")
    with pytest.raises(InvalidInput):
        archive.responses.submit(MEMBER, artifact_id, "bell \x07")
    with pytest.raises(InvalidInput):
        archive.responses.submit(MEMBER, artifact_id, "x" * 5001)
    result = archive.responses.submit(MEMBER, artifact_id, "We tried it.", syndicate=True)
    assert [r["id"] for r in archive.responses.of_artifact(MEMBER, artifact_id)] == [result.id]
    assert archive.responses.of_artifact(OTHER, artifact_id) == []
    assert archive.responses.syndicated(artifact_id) == []  # not before approval
    with pytest.raises(Forbidden):
        archive.responses.approve(MEMBER, result.id)
    archive.responses.approve(EDITOR, result.id)
    assert [r["text"] for r in archive.responses.of_artifact(ANONYMOUS, artifact_id)] == [
        "We tried it."
    ]
    assert "reason" not in archive.responses.of_artifact(ANONYMOUS, artifact_id)[0]
    assert [r["text"] for r in archive.responses.syndicated(artifact_id)] == ["We tried it."]


def test_a_members_only_artifact_keeps_its_responses_to_members(archive: Archive) -> None:
    artifact_id = published(archive, visibility="members")
    result = archive.responses.submit(MEMBER, artifact_id, "Members only reflection.", True)
    archive.responses.approve(EDITOR, result.id)
    assert len(archive.responses.of_artifact(OTHER, artifact_id)) == 1
    with pytest.raises(NotSignedIn):
        archive.responses.of_artifact(ANONYMOUS, artifact_id)
    with pytest.raises(NotFound):
        archive.responses.get(ANONYMOUS, result.id)
    assert archive.responses.syndicated(artifact_id) == []  # no public record to carry it


def test_a_withdrawn_artifact_takes_its_responses(archive: Archive) -> None:
    artifact_id = published(archive)
    result = archive.responses.submit(MEMBER, artifact_id, "Approved then gone.")
    archive.responses.approve(EDITOR, result.id)
    pending = archive.responses.submit(OTHER, artifact_id, "Still pending.")
    archive.artifacts.withdraw(EDITOR, artifact_id, reason="Consent withdrawn.")
    with pytest.raises(Gone):
        archive.responses.of_artifact(MEMBER, artifact_id)
    for rid in (result.id, pending.id):
        with pytest.raises(NotFound):
            archive.responses.get(EDITOR, rid)
    assert archive.responses.queue(EDITOR) == []
    assert archive.responses.syndicated(artifact_id) == []
    with pytest.raises(Conflict):
        archive.responses.approve(EDITOR, pending.id)


def response_event(name: str, **fields: Any) -> tuple[str, Any]:
    values = {"originator_id": uuid4(), "artifact_id": str(ARTIFACT), **fields}
    return event_topic(Response, name), SimpleNamespace(**values)


def test_responses_notify_the_editors_then_their_author() -> None:
    directory = StandInDirectory()
    topic, submitted = response_event("Submitted", author="member-1")
    found = notifications_for(topic, submitted, 3, directory)
    assert [(n.kind, n.recipient) for n in found] == [
        (RESPONSE_PENDING, "ed-1"),
        (RESPONSE_PENDING, "ed-2"),
    ]
    assert found[0].artifact_id == str(ARTIFACT)
    assert found[0].subject == "A response awaits moderation: Morning circles"
    topic, declined = response_event("Declined", by="ed-1", author="member-1", reason="Names.")
    [note] = notifications_for(topic, declined, 4, directory)
    assert (note.kind, note.recipient, note.detail["reason"]) == (
        RESPONSE_DECLINED,
        "member-1",
        "Names.",
    )
    topic, approved = response_event("Approved", by="ed-1", author="member-1")
    [note] = notifications_for(topic, approved, 5, directory)
    assert note.kind == RESPONSE_APPROVED
    assert link(note.kind, note.artifact_id, note.detail) == (
        f"/artifacts/{ARTIFACT}#response-{approved.originator_id}"
    )


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("submitted", "/drafts/{a}"),
        ("returned", "/drafts/{a}/edit#conversation-{a}"),
        ("answered", "/drafts/{a}/edit#conversation-{a}"),
        ("published", "/artifacts/{a}"),
        ("withdrawn", "/artifacts/{a}"),
        ("response_pending", "/responses/moderation#response-r1"),
        ("delivery_failed", ""),
    ],
)
def test_each_kind_links_to_a_page_its_reader_can_open(kind: str, expected: str) -> None:
    assert link(kind, "a1", {"response_id": "r1"}) == expected.format(a="a1")


def test_an_email_about_a_submitted_draft_links_to_the_draft() -> None:
    directory = StandInDirectory()
    notifier = EmailNotifier(
        SmtpMailer(SmtpSettings("localhost", 25, "site@example.org")),
        directory,
        "https://site.example/",
        "Commonplace",
    )
    submitted = SimpleNamespace(originator_id=ARTIFACT, by="partner-1")
    topic = event_topic(Artifact, "Submitted")
    found = notifications_for(topic, submitted, 9, directory)
    notices: list[Notice] = [notifier.notice(n) for n in found]
    body = notices[0].payload["body"]
    assert f"https://site.example/drafts/{ARTIFACT}\n" in body
    assert f"/artifacts/{ARTIFACT}" not in body
