"""Adaptations: an artifact made from another one, and reports of adaptations elsewhere."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain import policy
from domain.access import SYSTEM, Principal, Role
from domain.artifact import Artifact
from domain.artifact_commands import ArtifactCommands
from domain.results import CommandResult, now, result_of
from domain.store import Store
from domain.values import check_kind, require_derivatives


class AdaptationCommands:
    def __init__(self, store: Store, artifacts: ArtifactCommands) -> None:
        self.store = store
        self.artifacts = artifacts

    def adapt(
        self, principal: Principal, kind: str, content: dict[str, Any], source: dict[str, Any]
    ) -> CommandResult:
        """A new draft made from ``source`` (a description of the work it adapts)."""
        policy.require_role(principal, Role.PARTNER, "adapt artifacts")
        check_kind(kind)
        require_derivatives(source, "adaptations")
        checked = self.artifacts.content.check(kind, content)
        assert principal.id is not None
        artifact = Artifact(id=uuid4(), kind=kind, content=checked, by=principal.id)  # type: ignore[call-arg]
        artifact.record_source(source=source, by=principal.id)
        return result_of(artifact, self.store.save(artifact))

    def report_adaptation(self, artifact_id: UUID, report: dict[str, Any]) -> bool:
        """Record a verified adaptation once (``Artifact.accept_report`` decides);
        returns whether anything was recorded."""
        artifact = self.artifacts.load(artifact_id)
        if not artifact.accept_report(report, by=str(report.get("site") or SYSTEM.id)):
            return False
        self.store.save(artifact)
        return True

    def has_withdrawal_notice(self, artifact_id: UUID, notice_id: str) -> bool:
        """Whether a withdrawal notice with this id was already recorded on the artifact:
        the editors' note of a ``source-withdrawn`` withdrawal names its notice id."""
        marker = notice_marker(notice_id)
        return any(
            type(e).__name__ == "Withdrawn"
            and getattr(e, "category", "") == "source-withdrawn"
            and marker in str(getattr(e, "note", ""))
            for e in self.store.events_of(artifact_id)
        )

    def withdraw_for_source(
        self, artifact_id: UUID, reason: str, note: str, notice_id: str
    ) -> CommandResult:
        """Hide an adaptation whose source was withdrawn, until an editor reviews it."""
        artifact = self.artifacts.load(artifact_id)
        if notice_marker(notice_id) not in note:
            note = f"{note} ({notice_marker(notice_id)})"
        artifact.withdraw(
            reason=reason,
            by=SYSTEM.id or "system",
            at=now(),
            category="source-withdrawn",
            note=note,
        )
        return result_of(artifact, self.store.save(artifact))


def notice_marker(notice_id: str) -> str:
    """How an editors' note names the withdrawal notice it came from."""
    return f"notice {notice_id}"
