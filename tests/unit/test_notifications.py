"""Which events call for which notifications to whom, and who chose what (pure rules)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.notifications import (
    ADAPTED,
    EMAIL,
    INBOX,
    OFF,
    PUBLISHED,
    SUBMITTED,
    WITHDRAWN,
    delivery_failed,
    notifications_for,
    wanted,
)

ARTIFACT = uuid4()


class StandInDirectory:
    """A directory held in dicts, standing in for the archive's."""

    def __init__(self) -> None:
        self.editor_ids = ["ed-1", "ed-2"]
        self.creators = {ARTIFACT: "partner-1"}
        self.emails = {"partner-1": "p@example.org", "ed-1": "e@example.org"}
        self.channels: dict[tuple[str, str], str] = {}

    def editors(self) -> list[str]:
        return list(self.editor_ids)

    def contributors(self, artifact_id: UUID) -> list[str]:
        return [self.creators[artifact_id]] if artifact_id in self.creators else []

    def title(self, artifact_id: UUID) -> str:
        return "Morning circles"

    def email(self, principal_id: str) -> str | None:
        return self.emails.get(principal_id)

    def channel(self, principal_id: str, kind: str) -> str:
        return self.channels.get((principal_id, kind), EMAIL)


def event(name: str, **fields: Any) -> tuple[str, Any]:
    return event_topic(Artifact, name), SimpleNamespace(originator_id=ARTIFACT, **fields)


def test_a_submission_tells_the_editors_but_not_the_one_who_submitted() -> None:
    topic, submitted = event("Submitted", by="ed-2")
    found = notifications_for(topic, submitted, 7, StandInDirectory())
    assert [(n.kind, n.recipient) for n in found] == [(SUBMITTED, "ed-1")]
    assert found[0].subject == "Submitted for review: Morning circles"


def test_publication_withdrawal_and_adaptation_tell_the_contributors() -> None:
    directory = StandInDirectory()
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("Published", PUBLISHED, {}),
        ("Withdrawn", WITHDRAWN, {"reason": "Consent withdrawn"}),
        ("AdaptationReported", ADAPTED, {"report": {"url": "https://b.example/a/1"}}),
    ]
    for name, kind, fields in cases:
        topic, happened = event(name, by="ed-1", **fields)
        found = notifications_for(topic, happened, 9, directory)
        assert [(n.kind, n.recipient) for n in found] == [(kind, "partner-1")]
    assert found[0].detail == {"url": "https://b.example/a/1"}


def test_ids_are_stable_per_event_and_recipient_and_other_events_call_for_nothing() -> None:
    topic, published = event("Published", by="ed-1")
    first = notifications_for(topic, published, 11, StandInDirectory())
    again = notifications_for(topic, published, 11, StandInDirectory())
    later = notifications_for(topic, published, 12, StandInDirectory())
    assert [n.id for n in first] == [n.id for n in again]
    assert first[0].id != later[0].id
    revised_topic, revised = event("Revised", by="partner-1")
    assert notifications_for(revised_topic, revised, 13, StandInDirectory()) == []


def test_choices_decide_inbox_and_email() -> None:
    directory = StandInDirectory()
    topic, submitted = event("Submitted", by="partner-1")
    to_ed1, to_ed2 = notifications_for(topic, submitted, 3, directory)
    assert wanted(to_ed1, directory, INBOX) and wanted(to_ed1, directory, EMAIL)
    assert not wanted(to_ed2, directory, EMAIL)  # no address, no email
    directory.channels[("ed-1", SUBMITTED)] = INBOX
    assert wanted(to_ed1, directory, INBOX) and not wanted(to_ed1, directory, EMAIL)
    directory.channels[("ed-1", SUBMITTED)] = OFF
    assert not wanted(to_ed1, directory, INBOX)


def test_a_delivery_given_up_tells_each_editor_once() -> None:
    found = delivery_failed("n-1", "https://b.example/inbox", "refused", ["ed-1", "ed-1", "ed-2"])
    assert [n.recipient for n in found] == ["ed-1", "ed-2"]
    assert found[0].detail["reason"] == "refused"
    assert found[0].id == delivery_failed("n-1", "x", "y", ["ed-1"])[0].id
