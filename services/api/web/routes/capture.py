"""Guided capture pages: a few questions per kind, a photo or a recording, on a phone.

Without a script the page is one plain form: answers, a title and a photo with its
alt text, sent together (the first send creates the draft, photo included). The
page's script (``capture.js``) keeps the capture in the browser and sends it through
``capture_api`` when the connection allows."""

from __future__ import annotations

import uuid
from typing import IO, Any
from uuid import UUID

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from domain.access import Role
from domain.app.media import MediaService
from domain.application import Archive
from domain.errors import Conflict, InvalidInput, TooLarge, VersionConflict
from domain.values import KINDS
from services.api.deps import ArchiveDep, MediaDep, SettingsDep
from services.api.web import capture_sync, uploads
from services.api.web.capture import MORE, answers_from, prompts_for
from services.api.web.capture_messages import script_messages
from services.api.web.errors import error_response
from services.api.web.forms import uploaded_file
from services.api.web.i18n import N_
from services.api.web.routes.common import ViewerDep, form_version, page_router, text
from services.api.web.session import Viewer, check_csrf
from services.api.web.templating import render

router = page_router()
FORM_OVERHEAD = 2 * 1024 * 1024
# The capture page records sound and takes photos; other pages keep both off.
PERMISSIONS = "camera=(self), microphone=(self), geolocation=(self), interest-cohort=()"
NOTICES = {
    "created": N_("Draft created. Go on answering, or add a photo."),
    "saved": N_("Saved."),
    "submitted": N_("Submitted for review. Editors will see it in their queue."),
}
NEEDS_ALT = N_("Say what the photo shows before adding it, for people who cannot see it.")
STATUS = {VersionConflict: 412, Conflict: 409, TooLarge: 413}


def _page(
    request: Request,
    viewer: Viewer,
    kind: str,
    values: dict[str, Any],
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    answers = values.get("answers") or {}
    media = values.get("media") or []
    context = {
        "kind": kind,
        "kinds": list(KINDS),
        "values": values,
        "prompts": [{"p": p, "answer": answers.get(p.key, "")} for p in prompts_for(kind)],
        "more": answers.get(MORE, ""),
        "captured": [m for m in media if not m.get("describes")],
        "messages": script_messages(),
        "notice": None,
        "error": None,
        **extra,
    }
    headers = {"Permissions-Policy": PERMISSIONS}
    return render(request, viewer, "capture.html", context, status=status, headers=headers)


@router.get("/capture")
def new_capture(request: Request, viewer: ViewerDep, kind: str = "story") -> Response:
    viewer.acting(Role.PARTNER, "capture drafts")
    kind = kind if kind in KINDS else "story"
    values: dict[str, Any] = {
        "id": None,
        "version": 0,
        "title": "",
        "answers": {},
        "nonce": uuid.uuid4().hex,
    }
    return _page(request, viewer, kind, values)


@router.get("/capture/{artifact_id}")
def capture_page(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    done: str | None = None,
) -> Response:
    principal = viewer.acting(Role.PARTNER, "capture drafts")
    view = archive.reading.get_artifact(principal, artifact_id, draft=True)
    values = {**view, "answers": answers_from(view["kind"], view.get("body") or "")}
    values["nonce"] = str(artifact_id)
    return _page(request, viewer, view["kind"], values, notice=NOTICES.get(done or ""))


@router.post("/capture")
async def create_capture(
    request: Request, archive: ArchiveDep, media: MediaDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """The plain form's first send: creates the draft with its text and photo."""
    return await _receive(request, archive, media, settings, viewer, None)


@router.post("/capture/{artifact_id}")
async def save_capture(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    media: MediaDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    return await _receive(request, archive, media, settings, viewer, artifact_id)


async def _receive(
    request: Request,
    archive: Archive,
    media: MediaService,
    settings: Any,
    viewer: Viewer,
    artifact_id: UUID | None,
) -> Response:
    limit = min(settings.media_limits.get("image", 0), settings.media_part_size) + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > limit:
        message = f"A photo sent from this form can be at most {limit // 2**20} MB."
        return error_response(request, 413, message)
    async with request.form(max_files=1, max_fields=100) as form:
        check_csrf(request, form)
        return await run_in_threadpool(_save, request, archive, media, viewer, form, artifact_id)


def _attached(current: dict[str, Any], file: IO[bytes]) -> bool:
    """Whether these bytes are attached already: a form sent again after a lost answer."""
    sha256, _size = uploads.digest_and_size(file)
    return any(m.get("sha256") == sha256 for m in current.get("media") or [])


def _save(
    request: Request,
    archive: Archive,
    media: MediaService,
    viewer: Viewer,
    form: FormData,
    artifact_id: UUID | None,
) -> Response:
    """The rest of a plain form's send, in a worker thread (it reads and writes stores)."""
    principal = viewer.acting(Role.PARTNER, "capture drafts")
    if artifact_id is None:
        kind = text(form, "kind") if text(form, "kind") in KINDS else "story"
    else:
        kind = archive.reading.get_artifact(principal, artifact_id, draft=True)["kind"]
    keys = [p.key for p in prompts_for(kind)] + [MORE]
    answers = {k: str(form.get(f"answer_{k}") or "") for k in keys}
    nonce = text(form, "nonce") or uuid.uuid4().hex
    values: dict[str, Any] = {"id": artifact_id, "title": text(form, "title"), "nonce": nonce}
    values.update(answers=answers, version=text(form, "version") or 0)
    photo = uploaded_file(form)
    try:
        if photo is not None and not text(form, "file_alt"):
            raise InvalidInput(NEEDS_ALT, field="file_alt")
        base = form_version(form)
        if artifact_id is None:
            artifact_id = capture_sync.create(archive, principal, kind, nonce)
        sent = {"base_version": base, "title": values["title"], "answers": answers}
        current = capture_sync.write_text(archive, principal, artifact_id, sent)
        values.update(id=artifact_id, version=current["version"], media=current.get("media"))
        if photo is not None and not _attached(current, photo.file):
            staged = uploads.stage(
                media,
                principal,
                artifact_id,
                photo.file,
                photo.filename or "photo",
                photo.content_type or "application/octet-stream",
                text(form, "file_alt"),
                "",
            )
            media.record(principal, *staged)
        if text(form, "action") == "submit":
            capture_sync.submit(archive, principal, artifact_id)
    except (InvalidInput, Conflict, TooLarge, VersionConflict) as error:
        status = next((s for cls, s in STATUS.items() if isinstance(error, cls)), 422)
        field = str(error.extra.get("field") or "")
        return _page(request, viewer, kind, values, status=status, error=error.detail, field=field)
    done = "submitted" if text(form, "action") == "submit" else "saved"
    return RedirectResponse(f"/capture/{artifact_id}?done={done}", status_code=303)
