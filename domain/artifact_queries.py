"""Artifact queries: one artifact as a reader or contributor sees it, its history,
diffs between versions, and the filtered list (served from ``domain.summaries``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain import policy, summaries
from domain.access import Principal
from domain.artifact import WITHDRAWN, Artifact
from domain.artifact_persons import ArtifactPersons, listed_persons
from domain.errors import Forbidden, NotFound
from domain.history import content_at, content_diff, history_entries
from domain.store import Store
from domain.summaries import ArtifactSummaries, Facets
from domain.translation_commands import TranslationCommands
from domain.vault_port import InMemoryVault
from domain.views import artifact_view


class ArtifactQueries:
    def __init__(
        self,
        store: Store,
        persons: ArtifactPersons | None = None,
        translations: TranslationCommands | None = None,
    ) -> None:
        """``persons`` shows listed persons with the archive's vault (the in-memory
        vault by default, for stores whose artifacts list no one); ``translations``
        adds each artifact's language versions to its view."""
        self.store = store
        self.translations = translations
        self.summaries = ArtifactSummaries(store)
        self.persons = persons or ArtifactPersons(store, InMemoryVault())

    def with_persons(self, principal: Principal, view: dict[str, Any]) -> dict[str, Any]:
        """A view with its persons by credited name, ids only for editors and contributors."""
        owners = view.get("owners")
        if owners is None:
            owners = self._current(UUID(str(view["id"]))).owners
        return self.persons.in_view(principal, owners, view)

    def _current(self, artifact_id: UUID) -> Artifact:
        try:
            return self.store.load(Artifact, artifact_id)
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
        current = self._current(artifact_id)
        if draft and not policy.may_see_draft(principal, current):
            # Someone who may read it gets a clear refusal; others learn nothing.
            policy.check_readable(principal, current)
            raise Forbidden("Only contributors and editors may read the working draft.")
        wanted = self._version_wanted(current, version, as_of)
        artifact = (
            current
            if wanted == current.version
            else self.store.load(Artifact, artifact_id, version=wanted)
        )
        if not draft:
            policy.check_readable(principal, current)  # the present decides: withdrawn is gone
            policy.check_readable(principal, artifact)
        view = artifact_view(artifact, draft=draft)
        if self.translations is not None:
            view.update(self.translations.versions(principal, current))
        return self.persons.in_view(principal, current.owners, view)

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
            events: Iterator[Any] = self.store.events_of(current.id)
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
        current = self._current(artifact_id)
        full = draft and policy.may_see_draft(principal, current)
        if not full and (current.status != WITHDRAWN or not principal.is_member):
            policy.check_readable(principal, current)
        return history_entries(self.store.events_of(artifact_id), full=full)

    def artifact_diff(
        self,
        principal: Principal,
        artifact_id: UUID,
        from_version: int,
        to_version: int,
        *,
        draft: bool = False,
    ) -> dict[str, Any]:
        current = self._current(artifact_id)
        if draft and not policy.may_see_draft(principal, current):
            policy.check_readable(principal, current)
            raise Forbidden("Only contributors and editors may compare draft versions.")
        if not draft:
            policy.check_readable(principal, current)
        sides = []
        for wanted in (from_version, to_version):
            version = self._version_wanted(current, wanted, None)
            content = content_at(
                self.store.load(Artifact, artifact_id, version=version), draft=draft
            )
            if content is None or not (
                draft or policy.may_read_published(principal, {"content": content})
            ):
                raise NotFound(f"Nothing was published as of version {wanted}.")
            with_ids = draft or policy.may_see_draft(principal, current)
            persons = self.persons.shown(listed_persons(content), with_ids=with_ids)
            sides.append({**content, "persons": persons})  # as credited, as in every view
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
        """A simple filtered list in creation order (search offers much more).

        The summaries choose the candidates; only the artifacts on the page are loaded."""
        items: list[dict[str, Any]] = []
        cursor = after
        for position, summary in self.summaries.after(after):
            cursor = position
            facets = summary.shown(principal, mine=mine, in_review=in_review)
            if facets is None or not summary.matches(facets, kind, status, place, term):
                continue
            artifact = self.store.load(Artifact, summary.id)
            view = listed(principal, artifact, mine=mine, in_review=in_review)
            if view is None or not matches(view, kind, status, place, term):
                continue
            items.append(self.persons.in_view(principal, artifact.owners, view))
            if len(items) == limit:
                break
        else:
            cursor = 0
        return {"items": items, "next": cursor or None}


def listed(
    principal: Principal, artifact: Artifact, *, mine: bool, in_review: bool
) -> dict[str, Any] | None:
    """The view of ``artifact`` that a list shows ``principal``, if any."""
    reads_published = policy.may_read_published(principal, artifact.published)
    shows = summaries.version_listed(
        principal,
        artifact.owners,
        artifact.status,
        artifact.in_review,
        reads_published,
        mine=mine,
        in_review=in_review,
    )
    return None if shows is None else artifact_view(artifact, draft=shows == "draft")


def matches(
    view: dict[str, Any],
    kind: str | None,
    status: str | None,
    place: str | None,
    term: str | None,
) -> bool:
    """Whether a listed view passes the list's filters (as its summary did)."""
    return summaries.matches(
        view["kind"], view["status"], Facets.of(view), kind, status, place, term
    )
