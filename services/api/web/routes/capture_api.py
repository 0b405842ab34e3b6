"""What the capture page's script sends when the connection allows: JSON and pieces of
files, under the partner's session (CSRF token in ``X-CSRF-Token``), answered with
the same problem details as the API. Each request is safe to send again."""

from __future__ import annotations

import hmac
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from domain.access import Principal, Role
from domain.errors import InvalidInput
from domain.policy import require_role
from domain.values import KINDS
from services.api.deps import ArchiveDep, MediaDep, SettingsDep
from services.api.routes.media_resumable import receive_piece, uploads_for
from services.api.web import capture_sync
from services.api.web.session import CsrfRefused, sessions_of, viewer_for

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _partner(request: Request, x_csrf_token: Annotated[str, Header()] = "") -> Principal:
    """The signed-in partner, if the request came from this site with the session's token."""
    viewer = viewer_for(request)
    require_role(viewer.principal, Role.PARTNER, "capture drafts")
    expected = viewer.expected_csrf()
    if not sessions_of(request).from_this_site(request):
        raise CsrfRefused("This was sent from another site, so it was not accepted.")
    if expected is None or not hmac.compare_digest(expected, x_csrf_token):
        raise CsrfRefused("The page's security token is out of date: reload the page.")
    return viewer.principal


PartnerDep = Annotated[Principal, Depends(_partner)]


class Capture(BaseModel):
    nonce: str = Field(min_length=8, max_length=100)
    kind: str = "story"
    id: UUID | None = None
    base_version: int = Field(0, ge=0)
    title: str = Field("", max_length=300)
    answers: dict[str, str] = Field(default_factory=dict, max_length=20)
    last_title: str | None = Field(None, max_length=300)
    last_answers: dict[str, str] | None = Field(None, max_length=20)
    submit: bool = False


class Declared(BaseModel):
    filename: str = Field(min_length=1, max_length=300)
    content_type: str = Field(max_length=100)
    size: int = Field(gt=0)
    sha256: str = Field(min_length=64, max_length=64)
    alt: str = Field("", max_length=2000)
    caption: str = Field("", max_length=2000)
    describes: UUID | None = None


@router.post("/capture/sync")
def sync(body: Capture, archive: ArchiveDep, principal: PartnerDep) -> JSONResponse:
    """Create the capture's draft once, write its text once, and submit it once if asked."""
    if body.kind not in KINDS:
        raise InvalidInput(f"Unknown kind {body.kind!r}.", field="kind")
    artifact_id = body.id or capture_sync.create(archive, principal, body.kind, body.nonce)
    current = capture_sync.write_text(archive, principal, artifact_id, body.model_dump())
    if body.submit:
        current = capture_sync.submit(archive, principal, artifact_id)
    return JSONResponse(capture_sync.state(current), headers=NO_STORE)


@router.post("/capture/{artifact_id}/media", status_code=201)
def declare(
    artifact_id: UUID, body: Declared, media: MediaDep, principal: PartnerDep
) -> JSONResponse:
    """Declare a photo, recording or transcript of the capture's draft."""
    declared: dict[str, Any] = body.model_dump()
    declared["describes"] = str(body.describes) if body.describes else None
    media_id = capture_sync.declare(media, principal, artifact_id, declared)
    return JSONResponse({"media_id": media_id}, status_code=201, headers=NO_STORE)


@router.head("/capture/media/{media_id}/content")
def held(media_id: UUID, media: MediaDep, settings: SettingsDep, principal: PartnerDep) -> Response:
    """How many bytes of the file the server holds, to go on from there."""
    offset, length = uploads_for(media, settings.media_part_size).status(principal, media_id)
    headers = {"Upload-Offset": str(offset), "Upload-Length": str(length), **NO_STORE}
    return Response(status_code=200, headers=headers)


@router.patch("/capture/media/{media_id}/content", status_code=204)
async def append(
    media_id: UUID,
    request: Request,
    media: MediaDep,
    settings: SettingsDep,
    principal: PartnerDep,
    upload_offset: Annotated[str, Header()] = "",
) -> Response:
    """One piece of the file at ``Upload-Offset`` (as the API's resumable upload)."""
    offset, length = await receive_piece(
        request, media, settings.media_part_size, principal, media_id, upload_offset
    )
    headers = {"Upload-Offset": str(offset), "Upload-Length": str(length), **NO_STORE}
    return Response(status_code=204, headers=headers)


@router.post("/capture/media/{media_id}/complete")
def complete(media_id: UUID, media: MediaDep, principal: PartnerDep) -> JSONResponse:
    """Check and attach the file; sending this again attaches nothing more."""
    return JSONResponse(capture_sync.complete(media, principal, media_id), headers=NO_STORE)
