"""Notification emails: an outbox ``Notifier`` that sends through SMTP (smtplib).

Each email is a notice in the outbox, made when the sender reads the event and
stored with its tracking position; its id is stable for one event and one
recipient, and its Message-ID derives from that id. The outbox delivers it at
least once with backoff, and never again once it is recorded as sent. A
refused recipient or message (a 5xx answer) is given up; an unreachable server
or a temporary refusal (4xx) is tried again.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from eventsourcing.utils import get_topic

from domain.notification_links import link
from domain.notifications import (
    EMAIL,
    TOPICS,
    Directory,
    Notification,
    notifications_for,
    wanted,
)
from domain.outbox import Notice, Outcome

KIND = "email"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 10.0


def message_id(notice_id: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{notice_id}@{domain}>"


def build_message(notice: Notice, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.target
    message["Subject"] = notice.payload["subject"]
    message["Message-ID"] = message_id(notice.id, sender)
    message["Date"] = formatdate(localtime=False)
    message.set_content(notice.payload["body"])
    return message


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> Outcome:
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.user:
                    smtp.login(s.user, s.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            return _refused(error.recipients)
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                return Outcome.give_up(f"The mail server refused it: {error.smtp_code}")
            return Outcome.again(f"The mail server answered {error.smtp_code}")
        except (smtplib.SMTPException, OSError) as error:
            return Outcome.again(f"Could not reach the mail server: {error}")
        return Outcome.done("sent")


def _refused(recipients: dict[str, Any]) -> Outcome:
    codes = [code for code, _ in recipients.values()]
    if codes and all(500 <= code < 600 for code in codes):
        return Outcome.give_up(f"The mail server refused the recipient: {codes[0]}")
    return Outcome.again(f"The mail server refused the recipient for now: {codes}")


MAX_AGE = timedelta(days=2)  # older events are in the inbox only


class EmailNotifier:
    """The outbox's notifier of kind ``email``: one notice per event and recipient."""

    kind = KIND
    topics = TOPICS

    def __init__(
        self,
        mailer: SmtpMailer,
        directory: Directory,
        base_url: str,
        site_name: str,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.mailer = mailer
        self.directory = directory
        self.base_url = base_url.rstrip("/")
        self.site_name = site_name
        self.now = now

    def notices(self, event: Any, position: int) -> list[Notice]:
        """The emails an event calls for; none for an event older than ``MAX_AGE``.

        The inbox keeps every notification. Email is for what is happening now: when the
        sender reads old history (a new follower position, an outage of days), it does
        not send a flood of stale mail."""
        at = getattr(event, "timestamp", None)
        if isinstance(at, datetime) and self.now() - at > MAX_AGE:
            return []
        topic = get_topic(type(event))
        found = notifications_for(topic, event, position, self.directory)
        return [self.notice(n) for n in found if wanted(n, self.directory, EMAIL)]

    def notice(self, notification: Notification) -> Notice:
        address = self.directory.email(notification.recipient) or ""
        return Notice(
            id=f"email-{notification.id}",
            kind=KIND,
            target=address,
            payload={
                "subject": f"[{self.site_name}] {notification.subject}",
                "body": self.body(notification),
                "recipient": notification.recipient,
                "notification": notification.kind,
            },
            position=notification.position,
        )

    def body(self, notification: Notification) -> str:
        lines = [notification.subject, ""]
        for key, value in notification.detail.items():
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
        page = link(notification.kind, notification.artifact_id, notification.detail)
        if page:  # a draft's page for a draft, the public page once published
            lines.append(f"{self.base_url}{page}")
        lines += ["", f"Your inbox and what you receive: {self.base_url}/inbox"]
        return "\n".join(lines) + "\n"

    def deliver(self, notice: Notice) -> Outcome:
        return self.mailer.send(build_message(notice, self.mailer.settings.sender))
