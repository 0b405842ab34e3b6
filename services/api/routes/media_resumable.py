"""Resumable uploads (the core of tus): ``HEAD`` for the offset, ``PATCH`` to append.

A client that lost its connection asks ``HEAD /api/v1/media/{id}/content`` how many
bytes arrived and sends the rest with ``PATCH`` from there; the last piece makes the
bytes whole, and ``POST /api/v1/media/{id}/complete`` checks and attaches them.
"""

from __future__ import annotations

from typing import IO, Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.access import Principal
from domain.app.media import MediaService
from domain.app.resumable import ResumableUploads
from domain.errors import InvalidInput
from services.api.deps import MediaDep, PrincipalDep, SettingsDep
from services.api.request_body import spooled_body

router = APIRouter(tags=["media"])
PIECE_TYPE = "application/offset+octet-stream"
TUS_VERSION = "1.0.0"


def uploads_for(media: MediaService, piece_limit: int) -> ResumableUploads:
    return ResumableUploads(media.archive, media.store, piece_limit)


def append_piece(
    media: MediaService,
    piece_limit: int,
    principal: Principal,
    media_id: UUID,
    offset: int,
    body: IO[bytes],
) -> tuple[int, int]:
    """Store one piece (in a worker thread: it reads and writes the media store)."""
    return uploads_for(media, piece_limit).append(principal, media_id, offset, body)


async def receive_piece(
    request: Request,
    media: MediaService,
    piece_limit: int,
    principal: Principal,
    media_id: UUID,
    upload_offset: str,
) -> tuple[int, int]:
    """Check a piece's ``Upload-Offset`` and type, read it (at most ``piece_limit``
    bytes) and store it in a worker thread; the new offset and the upload's length.
    The API's ``PATCH`` and the capture page's resumable upload both send pieces here."""
    if not upload_offset.isdigit():
        raise InvalidInput("Send Upload-Offset: the number of bytes held.", field="upload_offset")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != PIECE_TYPE:
        raise InvalidInput(f"Send pieces as Content-Type: {PIECE_TYPE}.", field="content_type")
    too_large = f"A piece may be at most {piece_limit} bytes."
    async with spooled_body(request, piece_limit, too_large) as piece:
        return await run_in_threadpool(
            append_piece, media, piece_limit, principal, media_id, int(upload_offset), piece
        )


def _headers(offset: int, length: int) -> dict[str, str]:
    return {
        "Upload-Offset": str(offset),
        "Upload-Length": str(length),
        "Tus-Resumable": TUS_VERSION,
        "Cache-Control": "no-store",
    }


@router.head("/api/v1/media/{media_id}/content", status_code=200)
def upload_offset(
    media_id: UUID, media: MediaDep, settings: SettingsDep, principal: PrincipalDep
) -> Response:
    """How many bytes of a declared upload the server holds (``Upload-Offset``)."""
    offset, length = uploads_for(media, settings.media_part_size).status(principal, media_id)
    return Response(status_code=200, headers=_headers(offset, length))


@router.patch("/api/v1/media/{media_id}/content", status_code=204)
async def append_content(
    media_id: UUID,
    request: Request,
    media: MediaDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    upload_offset: Annotated[str, Header(description="Where this piece starts")] = "",
) -> Response:
    """Append a piece (``Content-Type: application/offset+octet-stream``) at
    ``Upload-Offset``, which must equal the bytes held; answers the new offset. A piece
    cut short by the connection is dropped, so resume from the offset ``HEAD`` gives."""
    offset, length = await receive_piece(
        request, media, settings.media_part_size, principal, media_id, upload_offset
    )
    return Response(status_code=204, headers=_headers(offset, length))
