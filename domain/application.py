"""The Archive application: every command and query of Commonplace."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate
from eventsourcing.persistence import RecordConflictError, Recording

from domain import policy
from domain.access import SYSTEM, AccessToken, Principal, Role, new_token, token_id_for
from domain.adaptation_commands import AdaptationCommands
from domain.artifact import PUBLISHED, WITHDRAWN, Artifact, missing_for_publication
from domain.catalogue import Catalogued, event_topic
from domain.catalogue_service import CatalogueCache, CatalogueService
from domain.content import ContentChecker
from domain.errors import (
    ConcurrentWrite,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PublishRequirementsMissing,
    VersionConflict,
)
from domain.history import content_at, content_diff, history_entries
from domain.media_commands import MediaCommands
from domain.values import check_kind, check_visibility, clean_text, normalise_licence
from domain.views import artifact_view

A = TypeVar("A", bound=Aggregate)
TOKEN_CACHE_SECONDS = 2.0
ARTIFACT_CREATED = event_topic(Artifact, "Created")


@dataclass(frozen=True)
class CommandResult:
    """What a command produced: the aggregate, its new version, and the log position."""

    id: str
    version: int
    position: int | None
    created: bool = True
    view: dict[str, Any] | None = None  # the artifact's working draft after the command


def now() -> datetime:
    return datetime.now(UTC)


def position_of(recordings: list[Recording[Any]]) -> int | None:
    return recordings[-1].notification.id if recordings else None


class Archive(CatalogueService, MediaCommands, AdaptationCommands, Application[UUID]):
    """Commonplace's event-sourced application."""

    name = "Archive"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        Artifact: 50
    }

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.catalogue = CatalogueCache(self)
        self._token_cache: dict[UUID, tuple[Principal | None, float]] = {}
        self.content = ContentChecker(self)

    # -- helpers -------------------------------------------------------------

    def _save(self, *aggregates: Aggregate) -> int | None:
        try:
            position = position_of(self.save(*aggregates))
        except RecordConflictError:
            # Another request wrote the same aggregate version first (concurrent writes).
            raise ConcurrentWrite(
                "Someone else changed this at the same moment; nothing of yours was "
                "recorded. Reload and try again."
            ) from None
        if any(isinstance(a, Catalogued) for a in aggregates):
            self.catalogue.invalidate()
        return position

    def _result(self, aggregate: Aggregate, position: int | None) -> CommandResult:
        view = artifact_view(aggregate, draft=True) if isinstance(aggregate, Artifact) else None
        return CommandResult(str(aggregate.id), aggregate.version, position, view=view)

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        try:
            aggregate: Any = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"No {cls.__name__.lower()} {aggregate_id}.") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"No {cls.__name__.lower()} {aggregate_id}.")
        return aggregate

    def ids_of(self, topic: str, page: int = 500) -> Iterator[tuple[int, UUID]]:
        """(position, id) of each stored event with this topic, in log order."""
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, page, topics=[topic])
            for notification in batch:
                yield notification.id, UUID(str(notification.originator_id))
            if len(batch) < page:
                return
            start = batch[-1].id + 1

    @property
    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    # -- artifacts: commands -------------------------------------------------

    def create_artifact(
        self,
        principal: Principal,
        kind: str,
        content: dict[str, Any],
        idempotency_key: str | None = None,
    ) -> CommandResult:
        policy.require_role(principal, Role.PARTNER, "create artifacts")
        check_kind(kind)
        checked = self.content.check(kind, content)
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
        return self._result(artifact, self._save(artifact))

    def _existing_for_key(self, artifact_id: UUID, fingerprint: str) -> CommandResult | None:
        if artifact_id not in self.repository:
            return None
        artifact = self.load(Artifact, artifact_id)
        if artifact.fingerprint != fingerprint:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; "
                "use a new key for a new artifact.",
                id=str(artifact_id),
            )
        return CommandResult(str(artifact.id), artifact.version, None, created=False)

    def _editable(self, principal: Principal, artifact_id: UUID, expected: int | None) -> Artifact:
        artifact = self.load_artifact(artifact_id)
        policy.check_can_edit(principal, artifact)
        if expected is not None and expected != artifact.version:
            raise VersionConflict(
                f"You edited version {expected}, but the artifact is now at version "
                f"{artifact.version}. Reload it, reapply your change and try again.",
                current_version=artifact.version,
                current=artifact_view(artifact, draft=True),
            )
        return artifact

    def revise_artifact(
        self,
        principal: Principal,
        artifact_id: UUID,
        expected_version: int,
        changes: dict[str, Any],
        note: str = "",
    ) -> CommandResult:
        artifact = self._editable(principal, artifact_id, expected_version)
        checked = self.content.check(artifact.kind, changes)
        effective = {k: v for k, v in checked.items() if artifact.content.get(k) != v}
        if not effective:
            return CommandResult(str(artifact.id), artifact.version, None, created=False)
        assert principal.id is not None
        artifact.revise(changes=effective, by=principal.id, note=note)
        return self._result(artifact, self._save(artifact))

    def submit_artifact(
        self, principal: Principal, artifact_id: UUID, expected_version: int
    ) -> CommandResult:
        artifact = self._editable(principal, artifact_id, expected_version)
        if artifact.status == WITHDRAWN and not principal.is_editor:
            raise Conflict("A withdrawn artifact can only be reinstated by an editor.")
        if artifact.in_review:
            raise Conflict("This revision is already waiting for review.")
        if not artifact.has_unpublished_changes:
            raise Conflict("Nothing to review: the current revision is already published.")
        assert principal.id is not None
        artifact.submit(by=principal.id)
        return self._result(artifact, self._save(artifact))

    def publish_artifact(
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
        artifact = self._editable(principal, artifact_id, expected_version)
        source_version = revision_version or artifact.version
        if not 1 <= source_version <= artifact.version:
            raise InvalidInput(
                f"Version {source_version} does not exist; versions run from 1 to "
                f"{artifact.version}.",
                field="version",
            )
        source = (
            artifact
            if source_version == artifact.version
            else self.load(Artifact, artifact_id, version=source_version)
        )
        content = dict(source.content)
        if licence is not None:
            content["licence"] = normalise_licence(licence)
        if visibility is not None:
            content["visibility"] = check_visibility(visibility)
        missing = missing_for_publication(
            artifact.kind, content, adapted=artifact.adapted_from is not None
        ) + self.content.unpublishable(content)
        if missing:
            raise PublishRequirementsMissing(
                "Before publishing, this artifact needs: " + "; ".join(missing) + ".",
                missing=missing,
            )
        if (
            artifact.status == PUBLISHED
            and artifact.published
            and artifact.published["content"] == content
        ):
            raise Conflict("This revision is already published exactly as it is.")
        assert principal.id is not None
        artifact.publish(
            source_version=source_version, content=content, by=principal.id, at=now(), note=note
        )
        return self._result(artifact, self._save(artifact))

    def withdraw_artifact(
        self,
        principal: Principal,
        artifact_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "withdraw artifacts")
        artifact = self._editable(principal, artifact_id, expected_version)
        if artifact.status != PUBLISHED:
            raise Conflict(
                f"Only a published artifact can be withdrawn; this one is {artifact.status}."
            )
        reason = clean_text(reason, "reason")
        if not reason.strip():
            raise InvalidInput("Give a reason for the withdrawal.", field="reason")
        assert principal.id is not None
        artifact.withdraw(reason=reason.strip(), by=principal.id, at=now())
        return self._result(artifact, self._save(artifact))

    # -- artifacts: queries --------------------------------------------------

    def load_artifact(self, artifact_id: UUID, version: int | None = None) -> Artifact:
        try:
            return self.load(Artifact, artifact_id, version=version)
        except NotFound:
            raise policy.not_found(artifact_id) from None

    def get_artifact(
        self,
        principal: Principal,
        artifact_id: UUID,
        *,
        draft: bool = False,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        current = self.load_artifact(artifact_id)
        if draft and not policy.may_see_draft(principal, current):
            # Someone who may read it gets a clear refusal; others learn nothing.
            policy.check_readable(principal, current)
            raise Forbidden("Only contributors and editors may read the working draft.")
        wanted = self._version_wanted(current, version, as_of)
        artifact = (
            current
            if wanted == current.version
            else self.load(Artifact, artifact_id, version=wanted)
        )
        if not draft:
            policy.check_readable(principal, current)  # the present decides: withdrawn is gone
            policy.check_readable(principal, artifact)
        return artifact_view(artifact, draft=draft)

    def _version_wanted(
        self, current: Artifact, version: int | None, as_of: datetime | None
    ) -> int:
        if version is not None:
            if not 1 <= version <= current.version:
                raise NotFound(
                    f"Version {version} does not exist; versions run from 1 to {current.version}."
                )
            return version
        if as_of is not None:
            if as_of.tzinfo is None:
                as_of = as_of.replace(tzinfo=UTC)
            found = 0
            events: Iterator[Any] = self.events.get(current.id)
            for domain_event in events:
                if domain_event.timestamp > as_of:
                    break
                found = domain_event.originator_version
            if not found:
                raise NotFound(f"The artifact did not exist yet at {as_of.isoformat()}.")
            return found
        return current.version

    def artifact_history(
        self, principal: Principal, artifact_id: UUID, *, draft: bool = False
    ) -> list[dict[str, Any]]:
        current = self.load_artifact(artifact_id)
        full = draft and policy.may_see_draft(principal, current)
        if not full and (current.status != WITHDRAWN or not principal.is_member):
            policy.check_readable(principal, current)
        return history_entries(self.events.get(artifact_id), full=full)

    def artifact_diff(
        self,
        principal: Principal,
        artifact_id: UUID,
        from_version: int,
        to_version: int,
        *,
        draft: bool = False,
    ) -> dict[str, Any]:
        current = self.load_artifact(artifact_id)
        if draft and not policy.may_see_draft(principal, current):
            policy.check_readable(principal, current)
            raise Forbidden("Only contributors and editors may compare draft versions.")
        if not draft:
            policy.check_readable(principal, current)
        sides = []
        for wanted in (from_version, to_version):
            version = self._version_wanted(current, wanted, None)
            content = content_at(self.load(Artifact, artifact_id, version=version), draft=draft)
            if content is None or not (
                draft or policy.may_read_published(principal, {"content": content})
            ):
                raise NotFound(f"Nothing was published as of version {wanted}.")
            sides.append(content)
        return content_diff(sides[0], sides[1], from_version, to_version)

    def list_artifacts(
        self,
        principal: Principal,
        *,
        kind: str | None = None,
        status: str | None = None,
        place: str | None = None,
        term: str | None = None,
        mine: bool = False,
        in_review: bool = False,
        after: int = 0,
        limit: int = 20,
    ) -> dict[str, Any]:
        """A simple filtered list in creation order (search offers much more)."""
        items: list[dict[str, Any]] = []
        cursor = after
        for position, artifact_id in self.ids_of(ARTIFACT_CREATED):
            if position <= after:
                continue
            artifact = self.load(Artifact, artifact_id)
            view = self._listed(principal, artifact, mine=mine, in_review=in_review)
            cursor = position
            if view is None or not _matches(view, kind, status, place, term):
                continue
            items.append(view)
            if len(items) == limit:
                break
        else:
            cursor = 0
        return {"items": items, "next": cursor or None}

    def _listed(
        self, principal: Principal, artifact: Artifact, *, mine: bool, in_review: bool
    ) -> dict[str, Any] | None:
        sees_draft = policy.may_see_draft(principal, artifact)
        if mine and principal.id not in artifact.owners:
            return None
        if in_review:
            return (
                artifact_view(artifact, draft=True)
                if (principal.is_editor and artifact.in_review)
                else None
            )
        if sees_draft and (mine or artifact.status != PUBLISHED):
            return artifact_view(artifact, draft=True)
        if artifact.status == PUBLISHED and policy.may_read_published(
            principal, artifact.published
        ):
            return artifact_view(artifact, draft=False)
        return None

    # -- access tokens -------------------------------------------------------

    def issue_token(self, role: str, name: str, by: Principal = SYSTEM) -> tuple[str, str]:
        """Returns the token (to show once) and its id."""
        policy.require_role(by, Role.ADMIN, "issue tokens")
        try:
            Role(role)
        except ValueError:
            raise InvalidInput(
                f"Unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}.",
                field="role",
            ) from None
        if not name.strip():
            raise InvalidInput("A token needs a name saying whose it is.", field="name")
        token = new_token()
        record = AccessToken(  # type: ignore[call-arg]
            id=token_id_for(token), name=name.strip(), role=role, issued_by=str(by.id)
        )
        self.save(record)
        return token, str(record.id)

    def authenticate(self, token: str) -> Principal | None:
        """The principal a token stands for; answers are cached for a couple of seconds,
        so a revocation made by another process takes effect within that time."""
        token_id = token_id_for(token)
        cached = self._token_cache.get(token_id)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            record: Any = self.repository.get(token_id)
        except AggregateNotFoundError:
            record = None
        valid = isinstance(record, AccessToken) and not record.revoked
        principal = record.principal() if valid else None
        if len(self._token_cache) > 10_000:
            self._token_cache.clear()
        self._token_cache[token_id] = (principal, time.monotonic() + TOKEN_CACHE_SECONDS)
        return principal

    def list_tokens(self) -> list[dict[str, Any]]:
        tokens = []
        for _, token_id in self.ids_of(event_topic(AccessToken, "Issued")):
            record = self.load(AccessToken, token_id)
            tokens.append(
                {
                    "id": str(record.id),
                    "name": record.name,
                    "role": record.role,
                    "revoked": record.revoked,
                    "issued_at": record.created_on,
                }
            )
        return tokens

    def revoke_token(self, token_id: UUID, by: Principal = SYSTEM) -> None:
        policy.require_role(by, Role.ADMIN, "revoke tokens")
        record = self.load(AccessToken, token_id)
        if not record.revoked:
            record.revoke(by=str(by.id))
            self.save(record)
        self._token_cache.pop(token_id, None)


def _matches(
    view: dict[str, Any],
    kind: str | None,
    status: str | None,
    place: str | None,
    term: str | None,
) -> bool:
    return (
        (kind is None or view["kind"] == kind)
        and (status is None or view["status"] == status)
        and (place is None or view.get("place") == place)
        and (term is None or term in (view.get("terms") or []))
    )
