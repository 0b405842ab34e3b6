"""Static files of the pages, and media for signed-in readers (drafts, members-only)."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from starlette.responses import Response

from services.api.deps import MediaDep
from services.api.routes.media import serve_media_to
from services.api.web.errors import error_response
from services.api.web.routes.common import ViewerDep, page_router
from services.api.web.static import assets

router = page_router()


@router.get("/static/{name}")
async def static_file(name: str, request: Request) -> Response:
    asset = assets().get(name)
    if asset is None:
        return error_response(request, 404)
    versioned = request.query_params.get("v") == asset.digest
    etag = f'"{asset.digest}"'
    headers = {
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=31536000, immutable" if versioned else "no-cache",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.data, media_type=asset.content_type, headers=headers)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: they get the SVG icon."""
    icon = assets()["favicon.svg"]
    headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
    return Response(icon.data, media_type=icon.content_type, headers=headers)


@router.get("/files/{media_id}")
def file(media_id: UUID, media: MediaDep, viewer: ViewerDep) -> Response:
    """A media file as the signed-in person may see it (their drafts, members-only work)."""
    return serve_media_to(media, viewer.principal, media_id, None)


@router.get("/files/{media_id}/{variant}")
def file_variant(media_id: UUID, variant: str, media: MediaDep, viewer: ViewerDep) -> Response:
    return serve_media_to(media, viewer.principal, media_id, variant)
