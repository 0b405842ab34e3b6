"""Collection commands and queries (``archive.collections``).

Editors and partners make collections; editors curate every collection, a partner
the ones they made, and a partner adds only published work of their own. Every edit
names the version it was made on (``If-Match``), as for artifacts.

What a reader sees of a collection is worked out when it is read: each artifact
item is shown only while the artifact is published and readable by that reader
(members-only work to members), with the title of its current publication. A
withdrawn or narrowed artifact is left out at once, and nothing of it is shown;
its curators are told only that an item is no longer available, by its id.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from domain import policy
from domain.access import Principal, Role
from domain.artifact import PUBLISHED, Artifact
from domain.artifact_fields import syndication_of
from domain.collection import Collection, checked_slug, collection_id
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, VersionConflict
from domain.results import CommandResult, result_of, unchanged
from domain.store import Store


class CollectionCommands:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- loading -----------------------------------------------------------------

    def load(self, slug: str) -> Collection:
        try:
            return self.store.load(Collection, collection_id(checked_slug(slug)))
        except (NotFound, InvalidInput):
            raise NotFound(f"No collection {slug[:80]!r}.") from None

    def _curated(self, principal: Principal, slug: str, expected: int) -> Collection:
        policy.require_role(principal, Role.PARTNER, "curate collections")
        found = self.load(slug)
        if not found.may_curate(principal.id, principal.is_editor):
            raise Forbidden("Only this collection's curator and the editors may change it.")
        if expected != found.version:
            raise VersionConflict(
                f"You read version {expected}, but the collection is now at version "
                f"{found.version}. Reload it and try again.",
                current_version=found.version,
            )
        return found

    def _by(self, principal: Principal) -> str:
        assert principal.id is not None
        return principal.id

    # -- commands ----------------------------------------------------------------

    def create(
        self, principal: Principal, slug: str, title: str, introduction: str = ""
    ) -> CommandResult:
        policy.require_role(principal, Role.PARTNER, "make collections")
        made = Collection.start(slug, title, introduction, self._by(principal))
        if self.store.exists(made.id):
            raise Conflict.from_template(
                "There is already a collection named %(slug)s.", {"slug": slug}
            )
        return result_of(made, self.store.save(made))

    def edit(
        self,
        principal: Principal,
        slug: str,
        expected: int,
        title: str | None = None,
        introduction: str | None = None,
    ) -> CommandResult:
        found = self._curated(principal, slug, expected)
        if not found.edit(title, introduction, self._by(principal)):
            return unchanged(found)
        return result_of(found, self.store.save(found))

    def add_artifact(
        self, principal: Principal, slug: str, expected: int, artifact_id: UUID, note: str = ""
    ) -> CommandResult:
        found = self._curated(principal, slug, expected)
        artifact = self._addable(principal, artifact_id)
        found.add_artifact(artifact.id, note, self._by(principal))
        return result_of(found, self.store.save(found))

    def _addable(self, principal: Principal, artifact_id: UUID) -> Artifact:
        """A published artifact the principal may add (a partner: only their own)."""
        try:
            artifact = self.store.load(Artifact, artifact_id)
        except NotFound:
            artifact = None
        if artifact is None or artifact.status != PUBLISHED:
            raise InvalidInput(
                f"No published artifact {artifact_id}: only published work goes into a collection.",
                field="artifact_id",
            )
        if not artifact.may_edit(principal.id, principal.is_editor):
            raise Forbidden("A partner adds only their own published work to a collection.")
        return artifact

    def add_link(
        self,
        principal: Principal,
        slug: str,
        expected: int,
        url: str,
        title: str,
        note: str = "",
    ) -> CommandResult:
        """Add work on another site by its address, with the title the curator gives it."""
        found = self._curated(principal, slug, expected)
        found.add_link(str(uuid.uuid4()), url, title, note, self._by(principal))
        return result_of(found, self.store.save(found))

    def remove(self, principal: Principal, slug: str, expected: int, item_id: str) -> CommandResult:
        found = self._curated(principal, slug, expected)
        found.remove(item_id, self._by(principal))
        return result_of(found, self.store.save(found))

    def reorder(
        self, principal: Principal, slug: str, expected: int, order: list[str]
    ) -> CommandResult:
        found = self._curated(principal, slug, expected)
        if not found.reorder(order, self._by(principal)):
            return unchanged(found)
        return result_of(found, self.store.save(found))

    # -- queries -----------------------------------------------------------------

    def get(self, principal: Principal, slug: str) -> dict[str, Any]:
        """The collection as ``principal`` may see it (plain data)."""
        found = self.load(slug)
        curator = found.may_curate(principal.id, principal.is_editor) and principal.at_least(
            Role.PARTNER
        )
        items, unavailable = [], []
        for item in found.items:
            shown = self._shown(principal, item)
            if shown is not None:
                items.append(shown)
            elif curator:
                unavailable.append({"id": item["id"]})
        return {
            "id": str(found.id),
            "slug": found.slug,
            "title": found.title,
            "introduction": found.introduction,
            "owner": found.owner,
            "version": found.version,
            "created_at": found.created_on,
            "updated_at": found.modified_on,
            "items": items,
            "may_curate": curator,
            "unavailable": unavailable,
        }

    def public_artifacts(self, principal: Principal, slug: str) -> list[str]:
        """The ids of the collection's artifacts ``principal`` may read, in its order."""
        return [i["artifact_id"] for i in self.get(principal, slug)["items"] if i["artifact_id"]]

    def _shown(self, principal: Principal, item: dict[str, Any]) -> dict[str, Any] | None:
        if not item.get("artifact_id"):
            return {
                "id": item["id"],
                "type": "link",
                "artifact_id": None,
                "url": item["url"],
                "title": item["title"],
                "note": item.get("note", ""),
            }
        try:
            artifact = self.store.load(Artifact, UUID(item["artifact_id"]))
        except NotFound:
            return None
        published = artifact.published
        if artifact.status != PUBLISHED or not policy.may_read_published(principal, published):
            return None
        assert published is not None
        content = published["content"]
        return {
            "id": item["id"],
            "type": "artifact",
            "artifact_id": item["artifact_id"],
            "url": None,
            "kind": artifact.kind,
            "title": content.get("title") or "",
            "summary": content.get("summary") or "",
            "language": content.get("language") or "en",
            "visibility": content.get("visibility"),
            "licence": content.get("licence"),
            "syndication": syndication_of(content),
            "note": item.get("note", ""),
        }
