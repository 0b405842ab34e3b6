"""Notification emails through the outbox, against a test SMTP server (aiosmtpd).

One email per event and recipient, Message-IDs derived from the notice id, a
server that is down and then up gets the email after a retry, and neither a
second pass nor a restarted sender sends anything twice.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller

from domain.access import Principal, Role
from domain.application import Archive
from domain.notifications import INBOX, Preferences
from domain.outbox import PENDING, SENT
from infra.bootstrap import Container, build, seed_frameworks
from infra.mail import message_id
from infra.settings import Settings
from services.indexer.inbox import ArchiveDirectory
from services.indexer.outbox import OutboxSender, email_notifier
from tests.conftest import READY_STORY, seed_places


class LocalTestSmtpServer:
    """A test SMTP server on a local port that keeps every message it receives."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages: list[email.message.Message] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def smtp() -> Iterator[LocalTestSmtpServer]:
    server = LocalTestSmtpServer()
    server.start()
    yield server
    server.stop()


def mail_settings(settings: Settings, smtp: LocalTestSmtpServer) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "smtp_from": "archive@commonplace.example",
        }
    )


def people(archive: Archive) -> tuple[Principal, Principal]:
    _, editor_id = archive.tokens.issue("editor", "Eda", email="eda@example.org")
    _, partner_id = archive.tokens.issue("partner", "Pat", email="pat@example.org")
    return (
        Principal(id=editor_id, name="Eda", role=Role.EDITOR),
        Principal(id=partner_id, name="Pat", role=Role.PARTNER),
    )


def journey(archive: Archive, editor: Principal, partner: Principal) -> None:
    created = archive.artifacts.create(partner, "story", dict(READY_STORY))
    submitted = archive.artifacts.submit(partner, UUID(created.id), created.version)
    archive.artifacts.publish(editor, UUID(created.id), submitted.version)


def sender(container: Container, clock: Clock) -> OutboxSender:
    notifier = email_notifier(container, ArchiveDirectory(container.archive))
    assert notifier is not None
    return OutboxSender(
        container.archive, container.outbox, [notifier], clock=clock, base_backoff=2
    )


def test_one_email_per_event_and_recipient_never_resent(
    settings: Settings, smtp: LocalTestSmtpServer
) -> None:
    clock = Clock()
    with build(mail_settings(settings, smtp)) as first:
        seed_frameworks(first.archive)
        seed_places(first.archive)
        editor, partner = people(first.archive)
        journey(first.archive, editor, partner)
        sender(first, clock).catch_up()
        sender(first, clock).catch_up()
        entries = first.outbox.entries()
    assert [m["Subject"] for m in smtp.to("eda@example.org")] == [
        "[Commonplace] Submitted for review: Morning circles at Desert View"
    ]
    assert [m["Subject"] for m in smtp.to("pat@example.org")] == [
        "[Commonplace] Published: Morning circles at Desert View"
    ]
    assert {e.state for e in entries} == {SENT} and len(entries) == 2
    sent_ids = {m["Message-ID"] for m in smtp.messages}
    assert sent_ids == {message_id(e.notice.id, "archive@commonplace.example") for e in entries}
    with build(mail_settings(settings, smtp)) as again:  # a restarted sender
        clock.now += 10_000
        sender(again, clock).catch_up()
    assert len(smtp.messages) == 2


def test_a_server_down_then_up_gets_the_email_after_a_retry(
    settings: Settings, smtp: LocalTestSmtpServer
) -> None:
    clock = Clock()
    smtp.stop()
    with build(mail_settings(settings, smtp)) as container:
        seed_frameworks(container.archive)
        seed_places(container.archive)
        editor, partner = people(container.archive)
        journey(container.archive, editor, partner)
        follower = sender(container, clock)
        follower.catch_up()
        waiting = container.outbox.entries(PENDING)
        assert len(waiting) == 2
        assert all(e.attempts == 1 and "mail server" in (e.last_error or "") for e in waiting)
        smtp.start()
        follower.catch_up()  # not due yet: nothing is sent before the backoff
        assert smtp.messages == []
        clock.now += 3
        follower.catch_up()
        assert {e.state for e in container.outbox.entries()} == {SENT}
        assert all(e.attempts == 2 for e in container.outbox.entries())
    assert len(smtp.messages) == 2


def test_no_email_without_an_address_or_when_the_principal_chose_inbox_only(
    settings: Settings, smtp: LocalTestSmtpServer
) -> None:
    clock = Clock()
    with build(mail_settings(settings, smtp)) as container:
        seed_frameworks(container.archive)
        seed_places(container.archive)
        editor, partner = people(container.archive)
        _, quiet_id = container.archive.tokens.issue("editor", "No address")
        Preferences(container.archive.store).choose(partner, {"published": INBOX})
        journey(container.archive, editor, partner)
        sender(container, clock).catch_up()
        targets = [e.notice.target for e in container.outbox.entries()]
    assert targets == ["eda@example.org"]
    assert [m["To"] for m in smtp.messages] == ["eda@example.org"]
    assert quiet_id
