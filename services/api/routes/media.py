"""Media routes: declare an upload, send bytes (local storage), complete, describe, serve."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response, StreamingResponse

from domain.access import Principal
from domain.app.media import MediaService
from services.api.artifact_answers import AnswersDep
from services.api.deps import ArchiveDep, IfMatchDep, MediaDep, PrincipalDep, SettingsDep
from services.api.request_body import spooled_body
from services.api.responses import JSON
from services.api.routes import media_resumable
from services.api.schemas import MediaComplete, MediaDeclare, MediaDescribe
from services.api.urls import upload_answer

router = APIRouter(tags=["media"])
router.include_router(media_resumable.router)  # HEAD and PATCH of .../content


@router.post("/api/v1/artifacts/{artifact_id}/media", status_code=201)
async def declare_media(
    artifact_id: UUID,
    body: MediaDeclare,
    media: MediaDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> JSON:
    """Declare a file (name, type, size, SHA-256); the answer says where to send the bytes
    (absolute URLs: ``upload.url``, or each of ``upload.parts``, then ``complete_url``)."""
    declared = body.model_dump()
    answer = await run_in_threadpool(media.declare, principal, artifact_id, declared)
    return JSON(upload_answer(settings.base_url, answer), 201)


@router.put("/api/v1/media/{media_id}/content", status_code=204)
async def upload_content(
    media_id: UUID,
    request: Request,
    archive: ArchiveDep,
    media: MediaDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    part: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    """Receive an upload's bytes (local-folder storage; S3 uploads go to presigned URLs)."""
    upload = await run_in_threadpool(archive.media.upload_for, principal, media_id)
    limit = settings.media_part_size if part else upload.size
    too_large = f"More than the declared {limit} bytes were sent."
    async with spooled_body(request, limit, too_large) as body:
        await run_in_threadpool(media.receive, principal, media_id, body, part)
    return Response(status_code=204)


@router.post("/api/v1/media/{media_id}/complete")
def complete_media(
    media_id: UUID,
    media: MediaDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    body: MediaComplete | None = None,
) -> JSON:
    """Check the uploaded bytes and attach them; a failed check says what was wrong."""
    parts = [p.model_dump() for p in body.parts] if body and body.parts else None
    result = media.complete(principal, media_id, parts)
    return answers.written(principal, result)


@router.patch("/api/v1/artifacts/{artifact_id}/media/{media_id}")
def describe_media(
    artifact_id: UUID,
    media_id: UUID,
    body: MediaDescribe,
    archive: ArchiveDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Change the alt text or caption of attached media."""
    changes = body.model_dump(exclude_none=True)
    result = archive.media.describe_media(principal, artifact_id, expected, str(media_id), changes)
    return answers.written(principal, result)


@router.delete("/api/v1/artifacts/{artifact_id}/media/{media_id}")
def detach_media(
    artifact_id: UUID,
    media_id: UUID,
    archive: ArchiveDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Detach media from the working draft; its bytes stay while any version refers to them."""
    result = archive.media.detach_media(principal, artifact_id, expected, str(media_id))
    return answers.written(principal, result)


@router.get("/media/{media_id}", tags=["media"])
def serve_media(media_id: UUID, media: MediaDep, principal: PrincipalDep) -> Response:
    """The media file, if you may read the artifact it belongs to."""
    return serve_media_to(media, principal, media_id, None)


@router.get("/media/{media_id}/{variant}", tags=["media"])
def serve_variant(
    media_id: UUID, variant: str, media: MediaDep, principal: PrincipalDep
) -> Response:
    """A thumbnail (320 or 1280 pixels wide) of an image."""
    return serve_media_to(media, principal, media_id, variant)


# How long a cache may keep public media: short, so that media of an artifact that is
# withdrawn or narrowed to members stop reaching readers soon after the indexer's cycle.
PUBLIC_MEDIA_SECONDS = 60


def redirect_cache_control(public: bool, url_lifetime: int) -> str:
    """A redirect to a presigned URL may be reused only while the URL still works: for
    at most half its lifetime (a cache may keep it that long after fetching it)."""
    reuse = min(url_lifetime // 2, PUBLIC_MEDIA_SECONDS)
    return f"public, max-age={reuse}" if public and reuse > 0 else "private, no-store"


def serve_media_to(
    media: MediaService, principal: Principal, media_id: UUID, variant: str | None
) -> Response:
    """The media (or a redirect to a short-lived presigned URL) if ``principal`` may read
    the artifact it belongs to now: a withdrawn artifact, or one narrowed to members, is
    asked again on every request, so its media stop at once for readers who lost it."""
    located = media.locate(principal, media_id, variant)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": located.disposition,
        "Cache-Control": (
            f"public, max-age={PUBLIC_MEDIA_SECONDS}" if located.public else "private, no-store"
        ),
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    store = media.store
    url = store.download_url(located.key, located.content_type, located.disposition)
    if url is not None:
        headers["Cache-Control"] = redirect_cache_control(located.public, store.download_expires_in)
        return RedirectResponse(url, status_code=307, headers=headers)
    size = media.store.size(located.key)
    if size is not None:
        headers["Content-Length"] = str(size)
    return StreamingResponse(
        media.stream(located.key), media_type=located.content_type, headers=headers
    )
