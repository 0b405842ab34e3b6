"""Notifications: which events tell whom, and what each principal chose to receive.

This module is pure: ``notifications_for`` maps one event to the notifications it
calls for, asking a ``Directory`` who the editors are and who contributed an
artifact. Both the inbox view (the indexer) and the email notifier (the outbox
sender) use it, so the inbox and the emails always agree.

A notification's id derives from the event's log position, its kind and its
recipient, so projecting the same event again gives the same ids: an inbox row
or an email is stored once, however often the event is read.

The review conversation (``domain/review.py``) raises two kinds: ``returned``
tells a draft's contributors it came back with comments, and ``answered`` tells
the editors who returned it (and its contributors) that someone answered; neither
carries the comments themselves, which only the draft's page shows.

Responses (``domain/response.py``) raise three kinds: ``response_pending`` tells
the editors that a response awaits moderation, ``response_approved`` and
``response_declined`` tell its author what the editors decided (with the reason
for declining). Their notifications name the artifact responded to.

``notification_links.link`` gives the page a notification points its reader at,
the same in the inbox and in emails.

A kind without a source yet: ``consent`` (a consent about to expire or withdrawn)
is named here so that principals can already choose how to receive it; the
events that raise it are not built yet, and ``TOPIC_KINDS`` gains an entry when
they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.access import Principal
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.errors import InvalidInput
from domain.response import Response
from domain.store import Store

NAMESPACE = uuid5(NAMESPACE_URL, "https://commonplace.invalid/notifications")

SUBMITTED = "submitted"  # a draft submitted for review: the editors
RETURNED = "returned"  # returned with comments: its contributors
ANSWERED = "answered"  # review comments answered: the editors who returned it, contributors
PUBLISHED = "published"  # its contributors
WITHDRAWN = "withdrawn"  # its contributors
ADAPTED = "adapted"  # adapted on another site (a verified adaptation report): contributors
CONSENT = "consent"  # a consent about to expire or withdrawn (no event yet)
DELIVERY_FAILED = "delivery_failed"  # a notice to another site given up: the editors
RESPONSE_PENDING = "response_pending"  # a response awaits moderation: the editors
RESPONSE_APPROVED = "response_approved"  # a response approved: its author
RESPONSE_DECLINED = "response_declined"  # a response declined, with the reason: its author
KINDS = (
    SUBMITTED,
    RETURNED,
    ANSWERED,
    PUBLISHED,
    WITHDRAWN,
    ADAPTED,
    CONSENT,
    DELIVERY_FAILED,
    RESPONSE_PENDING,
    RESPONSE_APPROVED,
    RESPONSE_DECLINED,
)
RESPONSE_KINDS = frozenset({RESPONSE_PENDING, RESPONSE_APPROVED, RESPONSE_DECLINED})

OFF = "off"  # nothing
INBOX = "inbox"  # the inbox on the site only
EMAIL = "email"  # the inbox and an email
CHANNELS = (OFF, INBOX, EMAIL)
DEFAULT_CHANNEL = EMAIL

EDITORS = "editors"
CONTRIBUTORS = "contributors"
CONVERSATION = "conversation"  # the editors who returned the draft, and its contributors
RESPONDER = "responder"  # the author of a response
# Which event topics call for which kind, and who hears of it.
TOPIC_KINDS: dict[str, tuple[str, str]] = {
    event_topic(Artifact, "Submitted"): (SUBMITTED, EDITORS),
    event_topic(Artifact, "Published"): (PUBLISHED, CONTRIBUTORS),
    event_topic(Artifact, "Withdrawn"): (WITHDRAWN, CONTRIBUTORS),
    event_topic(Artifact, "AdaptationReported"): (ADAPTED, CONTRIBUTORS),
    event_topic(Artifact, "Returned"): (RETURNED, CONTRIBUTORS),
    event_topic(Artifact, "CommentAnswered"): (ANSWERED, CONVERSATION),
    event_topic(Response, "Submitted"): (RESPONSE_PENDING, EDITORS),
    event_topic(Response, "Approved"): (RESPONSE_APPROVED, RESPONDER),
    event_topic(Response, "Declined"): (RESPONSE_DECLINED, RESPONDER),
}
TOPICS = tuple(TOPIC_KINDS)

SUBJECTS = {
    SUBMITTED: "Submitted for review: {title}",
    RETURNED: "Returned with comments: {title}",
    ANSWERED: "Review comments answered: {title}",
    PUBLISHED: "Published: {title}",
    WITHDRAWN: "Withdrawn: {title}",
    ADAPTED: "Adapted on another site: {title}",
    CONSENT: "About a consent: {title}",
    DELIVERY_FAILED: "A notice to another site could not be delivered: {title}",
    RESPONSE_PENDING: "A response awaits moderation: {title}",
    RESPONSE_APPROVED: "Your response was approved: {title}",
    RESPONSE_DECLINED: "Your response was declined: {title}",
}


@dataclass(frozen=True)
class Notification:
    id: str
    kind: str
    recipient: str  # a principal id
    title: str
    artifact_id: str | None = None
    position: int = 0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return SUBJECTS[self.kind].format(title=self.title or "Untitled")


class Directory(Protocol):
    """Who is who, as the notifications need it."""

    def editors(self) -> list[str]: ...

    def contributors(self, artifact_id: UUID) -> list[str]: ...

    def title(self, artifact_id: UUID) -> str: ...

    def email(self, principal_id: str) -> str | None: ...

    def channel(self, principal_id: str, kind: str) -> str: ...


def notification_id(source: str, kind: str, recipient: str) -> str:
    return str(uuid5(NAMESPACE, f"{source}|{kind}|{recipient}"))


def notifications_for(
    topic: str, event: Any, position: int, directory: Directory
) -> list[Notification]:
    """What one event calls for, one notification per recipient, before any choice."""
    rule = TOPIC_KINDS.get(topic)
    if rule is None:
        return []
    kind, audience = rule
    # A response's notifications are about the artifact responded to.
    artifact_id = UUID(event.artifact_id) if kind in RESPONSE_KINDS else event.originator_id
    recipients = _audience(audience, event, artifact_id, directory)
    by = str(getattr(event, "by", "") or "")
    detail = _detail(kind, event)
    title = directory.title(artifact_id)
    return [
        Notification(
            notification_id(str(position), kind, recipient),
            kind,
            recipient,
            title,
            str(artifact_id),
            position,
            detail,
        )
        for recipient in dict.fromkeys(recipients)
        if recipient and recipient != by  # nobody is told of what they did themselves
    ]


def _audience(audience: str, event: Any, artifact_id: UUID, directory: Directory) -> list[str]:
    if audience == EDITORS:
        return directory.editors()
    if audience == RESPONDER:
        return [str(event.author)]
    contributors = directory.contributors(artifact_id)
    if audience == CONVERSATION:
        return [*(str(editor) for editor in getattr(event, "returned_by", []) or []), *contributors]
    return contributors


def _detail(kind: str, event: Any) -> dict[str, Any]:
    if kind == RETURNED:
        return {"comments": len(getattr(event, "comments", []) or [])}
    if kind in RESPONSE_KINDS:
        found = {"response_id": str(event.originator_id)}
        return {**found, "reason": str(event.reason)} if kind == RESPONSE_DECLINED else found
    if kind == WITHDRAWN:
        return {"reason": str(getattr(event, "reason", ""))}
    if kind == ADAPTED:
        report = getattr(event, "report", {}) or {}
        return {"url": str(report.get("url", ""))}
    return {}


def delivery_failed(
    notice_id: str, target: str, reason: str, editors: Sequence[str]
) -> list[Notification]:
    """A notice to another site was given up: every editor hears of it once."""
    return [
        Notification(
            notification_id(f"notice:{notice_id}", DELIVERY_FAILED, editor),
            DELIVERY_FAILED,
            editor,
            target,
            detail={"notice_id": notice_id, "target": target, "reason": reason},
        )
        for editor in dict.fromkeys(editors)
    ]


def wanted(notification: Notification, directory: Directory, channel: str) -> bool:
    """Whether the recipient chose to receive this notification on ``channel``."""
    chosen = directory.channel(notification.recipient, notification.kind)
    if channel == INBOX:
        return chosen in (INBOX, EMAIL)
    return chosen == EMAIL and bool(directory.email(notification.recipient))


def preferences_id(principal_id: str) -> UUID:
    return uuid5(NAMESPACE, f"preferences|{principal_id}")


class NotificationPreferences(Aggregate):
    """What one principal chose to receive, per kind of notification."""

    id: UUID

    @event("Started")
    def __init__(self, principal_id: str) -> None:
        self.principal_id = principal_id
        self.channels: dict[str, str] = {}

    @event("Chosen")
    def choose(self, kind: str, channel: str) -> None:
        self.channels = {**self.channels, kind: channel}

    def channel(self, kind: str) -> str:
        return self.channels.get(kind, DEFAULT_CHANNEL)


class Preferences:
    """Reading and changing principals' choices, stored as events."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def of(self, principal_id: str) -> dict[str, str]:
        record = self._load(principal_id)
        return {kind: record.channel(kind) if record else DEFAULT_CHANNEL for kind in KINDS}

    def choose(self, principal: Principal, choices: dict[str, str]) -> dict[str, str]:
        if principal.id is None or principal.is_anonymous:
            raise InvalidInput("Sign in to choose your notifications.")
        for kind, channel in choices.items():
            if kind not in KINDS:
                raise InvalidInput(f"Unknown kind of notification {kind!r}.", field=kind)
            if channel not in CHANNELS:
                raise InvalidInput(f"Choose one of: {', '.join(CHANNELS)}.", field=kind)
        record = self._load(principal.id) or NotificationPreferences(  # type: ignore[call-arg]
            id=preferences_id(principal.id), principal_id=principal.id
        )
        changed = False
        for kind, channel in choices.items():
            if record.channel(kind) != channel:
                record.choose(kind, channel)
                changed = True
        if changed:
            self.store.save(record)
        return self.of(principal.id)

    def _load(self, principal_id: str) -> NotificationPreferences | None:
        pid = preferences_id(principal_id)
        if not self.store.exists(pid):
            return None
        return self.store.load(NotificationPreferences, pid)
