"""Email is for what happens now: events older than two days are told in the inbox only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.artifact import Artifact
from infra.mail import MAX_AGE, EmailNotifier, SmtpMailer, SmtpSettings
from tests.unit.test_notifications import ARTIFACT, StandInDirectory


def submitted_event() -> Any:
    artifact = Artifact(id=ARTIFACT, kind="story", content={"title": "T"}, by="partner-1")  # type: ignore[call-arg]
    artifact.submit(by="partner-1")
    return artifact.pending_events[-1]


def notifier(now: datetime) -> EmailNotifier:
    mailer = SmtpMailer(SmtpSettings("localhost", 25, "site@example.org"))
    return EmailNotifier(
        mailer, StandInDirectory(), "https://site.example", "Site", now=lambda: now
    )


def test_a_fresh_event_is_emailed_and_a_stale_one_is_not() -> None:
    event = submitted_event()
    fresh = notifier(event.timestamp + timedelta(minutes=5)).notices(event, 7)
    assert [n.target for n in fresh] == ["e@example.org"]  # the editor with an address
    stale = notifier(event.timestamp + MAX_AGE + timedelta(seconds=1)).notices(event, 7)
    assert stale == []
