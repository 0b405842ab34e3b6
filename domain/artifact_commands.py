"""Artifact commands: create, revise, submit for review, publish, withdraw.

Listing persons needs the right to list them, and publishing their consent
(``domain.artifact_persons``).

Each command checks who may act (``domain.policy``), loads the artifact, lets the
aggregate apply its own rules, and saves it through the store port.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain import policy
from domain.access import Principal, Role
from domain.artifact import Artifact
from domain.artifact_persons import ArtifactPersons, listed_persons
from domain.content import ContentChecker
from domain.errors import Conflict, NotFound, VersionConflict
from domain.results import CommandResult, now, result_of, unchanged
from domain.store import Store
from domain.values import check_kind, check_visibility, normalise_licence
from domain.views import artifact_view


class ArtifactCommands:
    def __init__(self, store: Store, content: ContentChecker, persons: ArtifactPersons) -> None:
        self.store = store
        self.content = content
        self.persons = persons

    def load(self, artifact_id: UUID, version: int | None = None) -> Artifact:
        """The artifact (at ``version``); a missing one is reported as not visible."""
        try:
            return self.store.load(Artifact, artifact_id, version=version)
        except NotFound:
            raise policy.not_found(artifact_id) from None

    def editable(self, principal: Principal, artifact_id: UUID, expected: int | None) -> Artifact:
        """The artifact, if the principal may change it and edited its current version."""
        artifact = self.load(artifact_id)
        policy.check_can_edit(principal, artifact)
        if expected is not None and expected != artifact.version:
            raise VersionConflict(
                f"You edited version {expected}, but the artifact is now at version "
                f"{artifact.version}. Reload it, reapply your change and try again.",
                current_version=artifact.version,
                current=artifact_view(artifact, draft=True),
            )
        return artifact

    def create(
        self,
        principal: Principal,
        kind: str,
        content: dict[str, Any],
        idempotency_key: str | None = None,
    ) -> CommandResult:
        policy.require_role(principal, Role.PARTNER, "create artifacts")
        check_kind(kind)
        checked = self.content.check(kind, content)
        self.persons.check_listing(principal, listed_persons(checked))
        fingerprint = None
        artifact_id = None
        if idempotency_key:
            artifact_id, fingerprint = self.content.idempotency(
                principal, idempotency_key, kind, checked
            )
            existing = self._existing_for_key(artifact_id, fingerprint)
            if existing is not None:
                return existing
        assert principal.id is not None
        # ``id`` is accepted by the eventsourcing metaclass, not by __init__ itself.
        artifact = Artifact(  # type: ignore[call-arg]
            id=artifact_id or uuid4(),
            kind=kind,
            content=checked,
            by=principal.id,
            fingerprint=fingerprint,
        )
        return result_of(artifact, self.store.save(artifact))

    def _existing_for_key(self, artifact_id: UUID, fingerprint: str) -> CommandResult | None:
        if not self.store.exists(artifact_id):
            return None
        artifact = self.store.load(Artifact, artifact_id)
        if artifact.fingerprint != fingerprint:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; "
                "use a new key for a new artifact.",
                id=str(artifact_id),
            )
        return unchanged(artifact)

    def revise(
        self,
        principal: Principal,
        artifact_id: UUID,
        expected_version: int,
        changes: dict[str, Any],
        note: str = "",
    ) -> CommandResult:
        artifact = self.editable(principal, artifact_id, expected_version)
        checked = self.content.check(artifact.kind, changes)
        if "persons" in checked:
            already = listed_persons(artifact.content)
            self.persons.check_listing(principal, checked["persons"], already)
        assert principal.id is not None
        if not artifact.revise(changes=checked, by=principal.id, note=note):
            return unchanged(artifact)
        return result_of(artifact, self.store.save(artifact))

    def submit(
        self, principal: Principal, artifact_id: UUID, expected_version: int
    ) -> CommandResult:
        artifact = self.editable(principal, artifact_id, expected_version)
        assert principal.id is not None
        artifact.submit(by=principal.id, is_editor=principal.is_editor)
        return result_of(artifact, self.store.save(artifact))

    def publish(
        self,
        principal: Principal,
        artifact_id: UUID,
        expected_version: int,
        revision_version: int | None = None,
        licence: str | None = None,
        visibility: str | None = None,
        note: str = "",
    ) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "publish artifacts")
        artifact = self.editable(principal, artifact_id, expected_version)
        source_version = revision_version or artifact.version
        artifact.check_version(source_version)
        source = (
            artifact
            if source_version == artifact.version
            else self.store.load(Artifact, artifact_id, version=source_version)
        )
        content = dict(source.content)
        if licence is not None:
            content["licence"] = normalise_licence(licence)
        if visibility is not None:
            content["visibility"] = check_visibility(visibility)
        assert principal.id is not None
        artifact.publish(
            source_version=source_version,
            content=content,
            by=principal.id,
            at=now(),
            note=note,
            also_missing=[
                *self.content.unpublishable(content),
                *self.persons.consent_missing(artifact.id, content),
            ],
        )
        return result_of(artifact, self.store.save(artifact))

    def consent_missing(self, view: dict[str, Any]) -> list[str]:
        """The consent lines publishing a view's content would still need (for checklists)."""
        if not view.get("id") or not view.get("persons"):
            return []  # a draft not yet created lists no one
        return self.persons.consent_missing(UUID(str(view["id"])), view)

    def withdraw(
        self,
        principal: Principal,
        artifact_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "withdraw artifacts")
        artifact = self.editable(principal, artifact_id, expected_version)
        assert principal.id is not None
        artifact.withdraw(reason=reason, by=principal.id, at=now())
        return result_of(artifact, self.store.save(artifact))
