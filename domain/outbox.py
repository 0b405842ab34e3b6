"""The outbox: notices that leave the process, driven by events, delivered at least once.

A request only records events. A follower of the event log asks each
``Notifier`` which notices an event calls for and stores them in the
``Outbox`` together with its tracking position (one transaction, so a notice is
neither lost nor stored twice). The same follower then delivers what is due,
retrying failures with exponential backoff until they succeed or are given up
with a reason. Notices carry a stable id, so a receiver can recognise a
delivery it has already had; delivery is at least once, and receivers are
idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import Tracking

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
STATES = (PENDING, SENT, FAILED)


@dataclass(frozen=True)
class Notice:
    id: str  # stable for one event and one target: the receiver's de-duplication key
    kind: str  # which notifier made it and delivers it
    target: str  # what is told (a URL)
    payload: dict[str, Any]
    position: int = 0  # the log position of the event that called for it


@dataclass(frozen=True)
class OutboxEntry:
    notice: Notice
    state: str
    attempts: int
    created_at: float
    next_attempt_at: float | None = None
    last_error: str | None = None
    sent_at: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to."""

    delivered: bool
    retry: bool = False
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def done(cls, reason: str = "") -> Outcome:
        return cls(True, reason=reason)

    @classmethod
    def again(cls, reason: str) -> Outcome:
        return cls(False, retry=True, reason=reason)

    @classmethod
    def give_up(cls, reason: str) -> Outcome:
        return cls(False, retry=False, reason=reason)


class Notifier(Protocol):
    """Turns events into notices of one kind, and delivers them."""

    kind: str
    topics: tuple[str, ...]

    def notices(self, event: Any, position: int) -> list[Notice]: ...

    def deliver(self, notice: Notice) -> Outcome: ...


class Outbox(Protocol):
    """Where notices wait; a tracking recorder, so entries and position move together."""

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def add(self, notices: Sequence[Notice], tracking: Tracking, now: float) -> None: ...

    def accept(self, notice: Notice, now: float) -> bool:
        """Store a notice received from another site, to be handled by the follower;
        False if one with its id is stored already."""
        ...

    def due(self, now: float, limit: int) -> list[OutboxEntry]: ...

    def claim(self, notice_id: str, seen_next: float, until: float) -> bool:
        """Take a due entry for ``until``; False if another sender took it first."""
        ...

    def delivered(self, notice_id: str, attempts: int, at: float, note: str) -> None: ...

    def retry(self, notice_id: str, attempts: int, at: float, error: str) -> None: ...

    def failed(self, notice_id: str, attempts: int, error: str) -> None: ...

    def entries(self, state: str | None = None, limit: int = 100) -> list[OutboxEntry]: ...

    def about(self, artifact_id: str, limit: int = 500) -> list[OutboxEntry]:
        """The notices about one artifact (their payload's ``artifact_id``), newest first."""
        ...

    def get(self, notice_id: str) -> OutboxEntry | None: ...

    def counts(self) -> dict[str, int]: ...

    def waiting(self, kind: str, target_prefix: str = "") -> int:
        """How many entries of ``kind`` are pending (whose target starts with the prefix)."""
        ...

    def close(self) -> None: ...


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failure: base, 2 x base, 4 x base... up to cap."""
    return float(min(cap, base * 2 ** max(0, attempts - 1)))
