"""The Collection aggregate: an ordered, introduced selection of published work.

Editors (and partners, for their own work) curate collections: "Tucson convening
2023", a learning group's year, a principle in practice. A collection is named by a
slug, from which its UUID derives (so the slug is unique and never changes); it has
a title, an introduction in Markdown and an ordered list of items. An item is either
an artifact of this archive (by id) or a link to work on another site (an http(s)
address with the title the curator gave it).

The collection keeps only which artifacts it holds, never their titles: what a
reader sees of an artifact item is read from the artifact when the collection is
shown, so a withdrawn or narrowed artifact leaves every collection at once.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.catalogue import slug_id
from domain.errors import Conflict, InvalidInput, NotFound
from domain.values import clean_text

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,78}[a-z0-9]")
MAX_TITLE = 200
MAX_INTRODUCTION = 20_000
MAX_ITEMS = 500
MAX_URL = 2000
MAX_NOTE = 1000


def collection_id(slug: str) -> UUID:
    """The id of the collection named ``slug``."""
    return slug_id("collections", slug)


def checked_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug or ""):
        raise InvalidInput.from_template(
            "The slug %(slug)s is not valid: use 3 to 80 lowercase letters, digits and "
            "hyphens, starting and ending with a letter or digit.",
            {"slug": repr((slug or "")[:80])},
            field="slug",
        )
    return slug


def checked_title(title: str, field: str = "title") -> str:
    title = clean_text((title or "").strip(), field)
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput.from_template(
            "The %(field)s must be 1 to %(n)s characters long.",
            {"field": field, "n": MAX_TITLE},
            field=field,
        )
    return " ".join(title.split())


def checked_introduction(text: str) -> str:
    text = clean_text(text or "", "introduction")
    if len(text) > MAX_INTRODUCTION:
        raise InvalidInput.from_template(
            "The introduction may be at most %(n)s characters long.",
            {"n": MAX_INTRODUCTION},
            field="introduction",
        )
    return text


def checked_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(url) > MAX_URL
        or any(c.isspace() for c in url)
    ):
        raise InvalidInput(
            "A link must be an http or https address of at most 2000 characters.", field="url"
        )
    return url


def checked_note(note: str) -> str:
    note = clean_text((note or "").strip(), "note")
    if len(note) > MAX_NOTE:
        raise InvalidInput.from_template(
            "The note may be at most %(n)s characters long.", {"n": MAX_NOTE}, field="note"
        )
    return note


class Collection(Aggregate):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return collection_id(slug)

    @event("Created")
    def __init__(self, slug: str, title: str, introduction: str, by: str) -> None:
        self.slug = slug
        self.title = title
        self.introduction = introduction
        self.owner = by
        self.items: list[dict[str, Any]] = []

    @classmethod
    def start(cls, slug: str, title: str, introduction: str, by: str) -> Collection:
        """A new collection, its values checked."""
        return cls(
            slug=checked_slug(slug),
            title=checked_title(title),
            introduction=checked_introduction(introduction),
            by=by,
        )

    def may_curate(self, principal_id: str | None, is_editor: bool) -> bool:
        """Editors curate every collection; a partner the ones they made."""
        return is_editor or (principal_id is not None and principal_id == self.owner)

    # -- commands ----------------------------------------------------------------

    def edit(self, title: str | None, introduction: str | None, by: str) -> bool:
        """Change the title and introduction; False when nothing changes."""
        title = self.title if title is None else checked_title(title)
        introduction = (
            self.introduction if introduction is None else checked_introduction(introduction)
        )
        if (title, introduction) == (self.title, self.introduction):
            return False
        self._edited(title, introduction, by)
        return True

    @event("Edited")
    def _edited(self, title: str, introduction: str, by: str) -> None:
        self.title = title
        self.introduction = introduction

    def add_artifact(self, artifact_id: UUID, note: str, by: str) -> str:
        """Add a published artifact at the end; returns the item's id (the artifact's)."""
        item_id = str(artifact_id)
        if self.item(item_id) is not None:
            raise Conflict("This artifact is already in the collection.", item=item_id)
        self._room()
        self._added({"id": item_id, "artifact_id": item_id, "note": checked_note(note)}, by)
        return item_id

    def add_link(self, item_id: str, url: str, title: str, note: str, by: str) -> str:
        """Add a link to work on another site, with the title the curator gives it."""
        url = checked_url(url)
        if any(item.get("url") == url for item in self.items):
            raise Conflict("This link is already in the collection.", url=url)
        self._room()
        item = {
            "id": item_id,
            "url": url,
            "title": checked_title(title, "link title"),
            "note": checked_note(note),
        }
        self._added(item, by)
        return item_id

    def _room(self) -> None:
        if len(self.items) >= MAX_ITEMS:
            raise Conflict.from_template(
                "A collection holds at most %(n)s items.", {"n": MAX_ITEMS}
            )

    @event("ItemAdded")
    def _added(self, item: dict[str, Any], by: str) -> None:
        self.items = [*self.items, item]

    def remove(self, item_id: str, by: str) -> None:
        if self.item(item_id) is None:
            raise NotFound(f"No item {item_id[:80]} in this collection.", item=item_id[:80])
        self._removed(item_id, by)

    @event("ItemRemoved")
    def _removed(self, item_id: str, by: str) -> None:
        self.items = [item for item in self.items if item["id"] != item_id]

    def reorder(self, order: list[str], by: str) -> bool:
        """Put the items in this order (every item once); False when it is the same."""
        current = [item["id"] for item in self.items]
        if sorted(order) != sorted(current) or len(set(order)) != len(order):
            raise InvalidInput(
                "Name every item of the collection once, in the order wanted.",
                field="order",
                items=current,
            )
        if order == current:
            return False
        self._reordered(order, by)
        return True

    @event("Reordered")
    def _reordered(self, order: list[str], by: str) -> None:
        position = {item_id: index for index, item_id in enumerate(order)}
        self.items = sorted(self.items, key=lambda item: position[item["id"]])

    # -- reading -----------------------------------------------------------------

    def item(self, item_id: str) -> dict[str, Any] | None:
        return next((item for item in self.items if item["id"] == item_id), None)

    def artifact_ids(self) -> list[str]:
        return [item["artifact_id"] for item in self.items if item.get("artifact_id")]
