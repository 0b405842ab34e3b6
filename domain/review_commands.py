"""Review commands (``archive.review``): return a draft with comments, answer them, and
read the conversation.

Only editors return a draft; its contributors and the editors answer and read the
conversation. Anyone else is told nothing exists (as for an unseen draft), so the
conversation never shows beyond those who may see the draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain import policy, review
from domain.access import Principal, Role
from domain.artifact import Artifact
from domain.errors import NotFound, VersionConflict
from domain.results import CommandResult, result_of
from domain.store import Store
from domain.views import artifact_view


class ReviewCommands:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _load(self, principal: Principal, artifact_id: UUID) -> Artifact:
        """The artifact, if the principal may see its draft; otherwise "not found"."""
        try:
            artifact = self.store.load(Artifact, artifact_id)
        except NotFound:
            raise policy.not_found(artifact_id) from None
        if not policy.may_see_draft(principal, artifact):
            raise policy.not_found(artifact_id)
        return artifact

    def _current(self, principal: Principal, artifact_id: UUID, expected: int | None) -> Artifact:
        artifact = self._load(principal, artifact_id)
        if expected is not None and expected != artifact.version:
            raise VersionConflict(
                f"You read version {expected}, but the artifact is now at version "
                f"{artifact.version}. Reload it and try again.",
                current_version=artifact.version,
                current=artifact_view(artifact, draft=True),
            )
        return artifact

    def return_draft(
        self,
        principal: Principal,
        artifact_id: UUID,
        expected_version: int,
        general: str = "",
        fields: Mapping[str, str] | None = None,
    ) -> CommandResult:
        """Return the draft in review to its contributors with comments (editors)."""
        policy.require_role(principal, Role.EDITOR, "return drafts with comments")
        artifact = self._current(principal, artifact_id, expected_version)
        assert principal.id is not None
        review.return_draft(artifact, general, fields or {}, by=principal.id)
        return result_of(artifact, self.store.save(artifact))

    def answer(
        self,
        principal: Principal,
        artifact_id: UUID,
        text: str,
        comment_id: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Answer a comment, or the conversation in general (contributors and editors)."""
        policy.require_role(principal, Role.PARTNER, "answer review comments")
        artifact = self._current(principal, artifact_id, expected_version)
        assert principal.id is not None
        review.answer(artifact, text, by=principal.id, comment_id=comment_id)
        return result_of(artifact, self.store.save(artifact))

    def conversation(self, principal: Principal, artifact_id: UUID) -> dict[str, Any]:
        """The whole conversation, for the draft's contributors and the editors only."""
        policy.require_role(principal, Role.PARTNER, "read review comments")
        artifact = self._load(principal, artifact_id)
        return {
            "id": str(artifact.id),
            "version": artifact.version,
            "in_review": artifact.in_review,
            # A draft never returned has no conversation: its events are not read.
            "returns": review.conversation(self.store.events_of(artifact.id))
            if artifact.returns
            else [],
        }
