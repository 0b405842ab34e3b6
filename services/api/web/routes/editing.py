"""Storytelling partners' pages: their drafts, the draft editor and media uploads."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from domain.access import Principal, Role
from domain.app.media import MediaService
from domain.application import Archive
from domain.errors import Conflict, InvalidInput, TooLarge, VersionConflict
from domain.ports.media import MediaStoreUnavailable
from domain.values import KINDS
from services.api.deps import ArchiveDep, MediaDep, SettingsDep
from services.api.web import uploads
from services.api.web.editor import preview
from services.api.web.errors import error_response
from services.api.web.forms import (
    content_for,
    empty_values,
    media_changes,
    uploaded_file,
    values_from_form,
)
from services.api.web.i18n import N_
from services.api.web.page_parts import ArtifactPagesDep, Editor, EditorDep
from services.api.web.routes import capture, capture_api
from services.api.web.routes.common import (
    FormDep,
    ViewerDep,
    form_version,
    page_router,
    text,
)
from services.api.web.session import Viewer, check_csrf
from services.api.web.templating import render

router = page_router()
# Guided capture: its script's JSON routes first, so /capture/sync is not read as an id.
router.include_router(capture_api.router)
router.include_router(capture.router)
FORM_OVERHEAD = 2 * 1024 * 1024  # the text fields of the editor, besides the file
NOTICES = {
    "created": N_("Draft created. Add photos or audio below, then submit it for review."),
    "saved": N_("Saved."),
    "submitted": N_("Submitted for review. Editors will see it in their queue."),
    "answered": N_("Your answer was added to the conversation."),
}
STORE_DOWN = (
    "Media storage cannot be reached right now, so nothing was saved: not the text, "
    "not the file. Your changes are still in this form; choose the file again and "
    "save in a moment."
)
ERROR_STATUS = {VersionConflict: 409, Conflict: 409, TooLarge: 413}


@router.get("/drafts")
def drafts_page(request: Request, archive: ArchiveDep, viewer: ViewerDep) -> Response:
    principal = viewer.acting(Role.PARTNER, "write drafts")
    page = archive.reading.list_artifacts(principal, mine=True, limit=100)
    items = sorted(page["items"], key=lambda v: v["modified_at"], reverse=True)
    return render(request, viewer, "drafts.html", {"items": items})


@router.get("/drafts/new")
def new_draft_page(
    request: Request, editor: EditorDep, viewer: ViewerDep, kind: str = "story"
) -> Response:
    principal = viewer.acting(Role.PARTNER, "write drafts")
    values = empty_values(kind if kind in KINDS else "story")
    context = editor.context(principal, values, nonce=uuid.uuid4().hex, new=True)
    return render(request, viewer, "editor.html", context)


@router.post("/drafts/new")
def create_draft(
    request: Request, archive: ArchiveDep, editor: EditorDep, viewer: ViewerDep, form: FormDep
) -> Response:
    principal = viewer.acting(Role.PARTNER, "write drafts")
    kind = text(form, "kind")
    values = values_from_form(form, empty_values(kind if kind in KINDS else "story"))
    extra: dict[str, Any] = {"nonce": text(form, "nonce") or uuid.uuid4().hex, "new": True}
    if text(form, "action") == "preview" or kind not in KINDS:
        context = editor.context(principal, values, preview_html=preview(values), **extra)
        return render(request, viewer, "editor.html", context)
    try:
        result = archive.artifacts.create(
            principal,
            kind,
            content_for(kind, values, adapted=False),
            idempotency_key=f"web:{extra['nonce']}",
        )
    except (InvalidInput, Conflict) as error:
        return _refused(request, editor, viewer, values, error, **extra)
    return RedirectResponse(f"/drafts/{result.id}/edit?done=created", status_code=303)


@router.post("/drafts/preview")
async def live_preview(viewer: ViewerDep, form: FormDep) -> Response:
    """The editor script's live preview: the Markdown body rendered and sanitised."""
    viewer.acting(Role.PARTNER, "write drafts")
    html = preview({"body": form.get("body") if isinstance(form.get("body"), str) else ""})
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/drafts/{artifact_id}")
def draft_preview(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    pages: ArtifactPagesDep,
    viewer: ViewerDep,
) -> Response:
    """The working draft as readers would see it once published."""
    principal = viewer.principal
    view = archive.reading.get_artifact(principal, artifact_id, draft=True)
    context = pages.context(principal, view, public=False, draft=True)
    context.update(
        jsonld=None,
        og_image=None,
        past_version=False,
        current_version=view["version"],
        may_edit=True,
        may_withdraw=False,
        notice=None,
        downloads=False,
        draft_preview=True,
    )
    return render(request, viewer, "artifact.html", context)


@router.get("/drafts/{artifact_id}/edit")
def edit_page(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    editor: EditorDep,
    viewer: ViewerDep,
    done: str | None = None,
) -> Response:
    principal = viewer.acting(Role.PARTNER, "write drafts")
    view = archive.reading.get_artifact(principal, artifact_id, draft=True)
    context = editor.context(principal, {**view, "note": ""}, notice=NOTICES.get(done or ""))
    context["conversation"] = archive.review.conversation(principal, artifact_id)["returns"]
    return render(request, viewer, "editor.html", context)


@router.post("/drafts/{artifact_id}/content")
async def save_draft(
    artifact_id: UUID,
    request: Request,
    editor: EditorDep,
    media: MediaDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    """Save the editor's form: the text, media descriptions, a new file, and a submission.

    The path ends in ``/content`` because, like the API's upload route, its body may
    carry a file larger than the JSON limit; it is limited here instead."""
    limit = max(settings.media_limits.values(), default=0)
    limit = min(limit, settings.media_part_size) + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > limit:
        return error_response(
            request, 413, f"A file sent from this form can be at most {limit // 2**20} MB."
        )
    async with request.form(max_files=1, max_fields=400) as form:  # closes a spooled upload
        check_csrf(request, form)
        return await run_in_threadpool(_save, artifact_id, request, editor, media, viewer, form)


def _save(
    artifact_id: UUID,
    request: Request,
    editor: Editor,
    media: MediaService,
    viewer: Viewer,
    form: FormData,
) -> Response:
    """The rest of ``save_draft``, in a worker thread: each step reads or writes a store."""
    archive = editor.archive
    principal = viewer.acting(Role.PARTNER, "write drafts")
    current = archive.reading.get_artifact(principal, artifact_id, draft=True)
    values = values_from_form(form, current)
    action = text(form, "action")
    if action == "preview":
        context = editor.context(principal, values, preview_html=preview(values))
        return render(request, viewer, "editor.html", context)
    try:
        version = form_version(form)
    except InvalidInput as error:
        return _refused(request, editor, viewer, values, error)
    try:
        version = _apply(archive, media, principal, artifact_id, current, values, form, version)
    except MediaStoreUnavailable:
        values["version"] = version
        context = editor.context(principal, values, error=STORE_DOWN, error_field="file")
        headers = {"Retry-After": "10"}
        return render(request, viewer, "editor.html", context, status=503, headers=headers)
    except VersionConflict as error:
        latest = error.extra.get("current") or current
        values["version"] = latest["version"]
        values["media"] = latest.get("media", [])
        context = editor.context(principal, values, conflict=editor.conflict(latest, values))
        return render(request, viewer, "editor.html", context, status=409)
    except (InvalidInput, Conflict, TooLarge) as error:
        values["version"] = version
        latest = archive.reading.get_artifact(principal, artifact_id, draft=True)
        values["media"] = _merge_media(latest.get("media", []), values["media"])
        return _refused(request, editor, viewer, values, error)
    done = "submitted" if action == "submit" else "saved"
    return RedirectResponse(f"/drafts/{artifact_id}/edit?done={done}", status_code=303)


def _merge_media(stored: list[dict[str, Any]], typed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {m["id"]: m for m in typed}
    return [
        {**m, **{k: by_id[m["id"]][k] for k in ("alt", "caption")}} if m["id"] in by_id else m
        for m in stored
    ]


def _apply(
    archive: Archive,
    media: MediaService,
    principal: Principal,
    artifact_id: UUID,
    current: dict[str, Any],
    values: dict[str, Any],
    form: FormData,
    version: int,
) -> int:
    """Each step uses the version the previous one produced; the first checks the form's."""
    adapted = current.get("adapted_from") is not None
    content = content_for(current["kind"], values, adapted=adapted)
    upload = uploaded_file(form)
    staged = None
    if upload is not None:  # the object store first: if it is down, nothing is recorded
        staged = uploads.stage(
            media,
            principal,
            artifact_id,
            upload.file,
            upload.filename or "upload",
            upload.content_type or "application/octet-stream",
            text(form, "file_alt"),
            text(form, "file_caption"),
        )
    version = archive.artifacts.revise(
        principal, artifact_id, version, content, note=values.get("note", "")
    ).version
    for media_id, changes in media_changes(current.get("media", []), values["media"]):
        version = archive.media.describe_media(
            principal, artifact_id, version, media_id, changes
        ).version
    action = text(form, "action")
    if action.startswith("detach:"):
        version = archive.media.detach_media(principal, artifact_id, version, action[7:]).version
    if staged is not None:
        version = media.record(principal, *staged).version
    if action == "submit":
        version = archive.artifacts.submit(principal, artifact_id, version).version
    return version


def _refused(
    request: Request,
    editor: Editor,
    viewer: Viewer,
    values: dict[str, Any],
    error: InvalidInput | Conflict | TooLarge,
    **extra: Any,
) -> Response:
    field = str(error.extra.get("field") or "")
    context = editor.context(
        viewer.principal, values, error=error.detail, error_field=field, **extra
    )
    status = next((s for cls, s in ERROR_STATUS.items() if isinstance(error, cls)), 422)
    return render(request, viewer, "editor.html", context, status=status)
