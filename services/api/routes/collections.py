"""Collections: make, edit, fill and order them, read them and list them.

Editors make and curate collections; partners make their own, of their own
published work. Every change needs ``If-Match`` with the ETag read. Anyone reads a
collection: its artifacts are shown only while they are published and the reader
may read them, so a withdrawn artifact leaves every collection at once. The
collection's JSON-LD, feeds and package are in ``collection_feeds``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.application import Archive
from infra.readmodel.collections import CollectionsView
from services.api.deps import ArchiveDep, IfMatchDep, PrincipalDep, RendererDep
from services.api.responses import JSON, etag_for

router = APIRouter(prefix="/api/v1/collections", tags=["collections"])

Slug = Annotated[str, Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Introduction = Annotated[str, Field(max_length=20000, description="Markdown")]
Note = Annotated[str, Field(max_length=1000)]


def get_collections_view(request: Request) -> CollectionsView:
    """The collections read model (made on first use, which writes: so in the thread pool)."""
    view: CollectionsView = request.app.state.container.collections
    return view


CollectionsViewDep = Annotated[CollectionsView, Depends(get_collections_view)]


class CollectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: Slug = Field(description="Its name in addresses; it never changes")
    title: Title
    introduction: Introduction = ""


class CollectionEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    introduction: Introduction | None = None


class ItemIn(BaseModel):
    """An artifact of this archive (``artifact_id``), or work on another site (``url``
    with the ``title`` you give it)."""

    model_config = ConfigDict(extra="forbid")
    artifact_id: UUID | None = None
    url: Annotated[str | None, Field(max_length=2000)] = None
    title: Title | None = None
    note: Note = ""

    @model_validator(mode="after")
    def one_kind(self) -> ItemIn:
        if (self.artifact_id is None) == (self.url is None):
            raise ValueError("Give either artifact_id or url (with a title).")
        if self.url is not None and not self.title:
            raise ValueError("A link needs the title you give it.")
        return self


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order: list[Annotated[str, Field(max_length=80)]] = Field(max_length=500)


class ItemOut(BaseModel):
    id: str
    type: str = Field(description='"artifact" or "link"')
    artifact_id: str | None
    url: str | None
    title: str
    note: str
    kind: str | None = None
    summary: str | None = None


class CollectionOut(BaseModel):
    id: str
    slug: str
    title: str
    introduction: str
    introduction_html: str
    owner: str
    version: int
    created_at: datetime
    updated_at: datetime
    items: list[ItemOut]
    may_curate: bool
    unavailable: list[dict[str, str]] = Field(
        description="Items no longer shown (withdrawn or not readable), for curators only"
    )
    urls: dict[str, str]


class CollectionSummary(BaseModel):
    slug: str
    title: str
    owner: str
    updated_at: datetime
    url: str


class CollectionList(BaseModel):
    collections: list[CollectionSummary]


def answer(archive: Archive, renderer: Any, principal: Any, slug: str, status: int = 200) -> JSON:
    found = archive.collections.get(principal, slug)
    found["introduction_html"] = renderer.render(found["introduction"])
    found["urls"] = urls(found["slug"])
    headers = {"ETag": etag_for(found["version"]), "Cache-Control": "private, no-cache"}
    if status == 201:
        headers["Location"] = f"/api/v1/collections/{found['slug']}"
    return JSON(found, status, headers)


def urls(slug: str) -> dict[str, str]:
    api = f"/api/v1/collections/{slug}"
    return {
        "api": api,
        "page": f"/collections/{slug}",
        "jsonld": f"{api}/jsonld",
        "package": f"{api}/package",
        "atom": f"/feeds/collections/{slug}/atom",
        "json_feed": f"/feeds/collections/{slug}/json",
        "oai_set": f"collection:{slug}",
    }


@router.get("", response_model=CollectionList)
def list_collections(view: CollectionsViewDep) -> JSON:
    """Every collection, the most recently changed first."""
    rows = view.listing()
    return JSON(
        {
            "collections": [
                {
                    "slug": row.slug,
                    "title": row.title,
                    "owner": row.owner,
                    "updated_at": datetime.fromtimestamp(row.updated_at, UTC),
                    "url": f"/api/v1/collections/{row.slug}",
                }
                for row in rows
            ]
        }
    )


@router.post("", status_code=201, response_model=CollectionOut)
def create_collection(
    body: CollectionIn, archive: ArchiveDep, renderer: RendererDep, principal: PrincipalDep
) -> JSON:
    """Make a collection (partners and editors); its slug names it in addresses."""
    archive.collections.create(principal, body.slug, body.title, body.introduction)
    return answer(archive, renderer, principal, body.slug, 201)


@router.get("/{slug}", response_model=CollectionOut)
def get_collection(
    slug: str, archive: ArchiveDep, renderer: RendererDep, principal: PrincipalDep
) -> JSON:
    """The collection with the items you may read, in order; its ETag is its version."""
    return answer(archive, renderer, principal, slug)


@router.patch("/{slug}", response_model=CollectionOut)
def edit_collection(
    slug: str,
    body: CollectionEdit,
    archive: ArchiveDep,
    renderer: RendererDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Change the title or the introduction (its curator and editors). Needs If-Match."""
    archive.collections.edit(principal, slug, expected, body.title, body.introduction)
    return answer(archive, renderer, principal, slug)


@router.post("/{slug}/items", status_code=201, response_model=CollectionOut)
def add_item(
    slug: str,
    body: ItemIn,
    archive: ArchiveDep,
    renderer: RendererDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Add a published artifact, or a link to work on another site, at the end.

    A partner adds only their own published work. Needs If-Match."""
    if body.artifact_id is not None:
        archive.collections.add_artifact(principal, slug, expected, body.artifact_id, body.note)
    else:
        assert body.url is not None and body.title is not None
        archive.collections.add_link(principal, slug, expected, body.url, body.title, body.note)
    return answer(archive, renderer, principal, slug, 201)


@router.delete("/{slug}/items/{item_id}", response_model=CollectionOut)
def remove_item(
    slug: str,
    item_id: str,
    archive: ArchiveDep,
    renderer: RendererDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Take an item out of the collection. Needs If-Match."""
    archive.collections.remove(principal, slug, expected, item_id)
    return answer(archive, renderer, principal, slug)


@router.put("/{slug}/order", response_model=CollectionOut)
def reorder(
    slug: str,
    body: OrderIn,
    archive: ArchiveDep,
    renderer: RendererDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Put the items in this order: every item's id once. Needs If-Match."""
    archive.collections.reorder(principal, slug, expected, body.order)
    return answer(archive, renderer, principal, slug)
