"""A collection for other sites: JSON-LD, Atom, JSON Feed and a BagIt package.

All of them show the collection as the public sees it: a withdrawn or members-only
artifact is in none of them. Its OAI-PMH set is ``collection:<slug>`` at ``/oai``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from infra.syndication.collections import CollectionSyndication
from infra.syndication.package import new_workspace
from services.api.deps import MediaDep
from services.api.responses import dumps
from services.api.routes.syndication import JSONLD, feed_response

router = APIRouter(tags=["collections"])


def get_syndication(request: Request) -> CollectionSyndication:
    container: Any = request.app.state.container
    return CollectionSyndication(
        container.archive.collections, container.records, container.settings.base_url
    )


SyndicationDep = Annotated[CollectionSyndication, Depends(get_syndication)]


def _content(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": "The collection."}}


@router.get(
    "/api/v1/collections/{slug}/jsonld", response_class=Response, responses=_content(JSONLD)
)
def collection_jsonld(slug: str, syndication: SyndicationDep) -> Response:
    """The collection as schema.org JSON-LD: a ``Collection`` with its parts (``hasPart``)."""
    view, _ = syndication.public(slug)
    return Response(dumps(syndication.jsonld(view)), media_type=JSONLD)


@router.get(
    "/api/v1/collections/{slug}/package",
    response_class=FileResponse,
    responses=_content("application/zip"),
)
def collection_package(slug: str, syndication: SyndicationDep, media: MediaDep) -> Response:
    """A BagIt bag (zip) of the collection's works whose licence lets them travel and
    whose people agreed to them being shared, one folder each, with the collection's
    JSON-LD and introduction."""
    view, records = syndication.public(slug)
    workspace = new_workspace()
    path = syndication.package(view, records, media.store, Path(workspace.name))
    return FileResponse(
        path,
        media_type="application/zip",
        filename=path.name,
        background=BackgroundTask(workspace.cleanup),
    )


@router.get(
    "/feeds/collections/{slug}/atom",
    response_class=Response,
    responses=_content("application/atom+xml"),
)
def collection_atom(request: Request, slug: str, syndication: SyndicationDep) -> Response:
    """Atom feed of the collection's public works, in the collection's order."""
    view, records = syndication.public(slug)
    return feed_response(
        request,
        records,
        f"collection-atom-{slug}-{view['version']}",
        lambda: syndication.atom(view, records, str(request.url)),
        "application/atom+xml; charset=utf-8",
    )


@router.get(
    "/feeds/collections/{slug}/json",
    response_class=Response,
    responses=_content("application/feed+json"),
)
def collection_json_feed(request: Request, slug: str, syndication: SyndicationDep) -> Response:
    """JSON Feed 1.1 of the collection's public works, in the collection's order."""
    view, records = syndication.public(slug)
    return feed_response(
        request,
        records,
        f"collection-json-{slug}-{view['version']}",
        lambda: dumps(syndication.json_feed(view, records, str(request.url))),
        "application/feed+json",
    )
