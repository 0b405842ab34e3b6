"""What a command returns, built the same way by every group of commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.artifact import Artifact
from domain.views import artifact_view


@dataclass(frozen=True)
class CommandResult:
    """What a command produced: the aggregate, its new version, and the log position."""

    id: str
    version: int
    position: int | None
    created: bool = True
    view: dict[str, Any] | None = None  # the artifact's working draft after the command


def result_of(aggregate: Aggregate, position: int | None) -> CommandResult:
    """The result of a command that saved ``aggregate`` (``position`` None: nothing saved)."""
    view = artifact_view(aggregate, draft=True) if isinstance(aggregate, Artifact) else None
    return CommandResult(str(aggregate.id), aggregate.version, position, view=view)


def unchanged(aggregate: Aggregate) -> CommandResult:
    """The result of a command that found nothing to record."""
    return CommandResult(str(aggregate.id), aggregate.version, None, created=False)


def now() -> datetime:
    return datetime.now(UTC)
