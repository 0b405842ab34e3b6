"""Editors' pages: the review queue with its publish checklist, publishing and withdrawing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from domain.access import Principal, Role
from domain.application import Archive
from domain.errors import Conflict, InvalidInput, PublishRequirementsMissing, VersionConflict
from domain.policy import require_role
from services.api.deps import ArchiveDep
from services.api.web.editor import checklist
from services.api.web.routes.common import FormDep, ViewerDep, form_version, page_router, text
from services.api.web.session import Viewer
from services.api.web.templating import render

router = page_router()
NOTICES = {"withdrawn": "Withdrawn. Readers now see the reason instead of the artifact."}


def _editor(viewer: Viewer, action: str) -> Principal:
    require_role(viewer.principal, Role.EDITOR, action)
    return viewer.principal


def _queue(archive: Archive, principal: Principal) -> list[dict[str, Any]]:
    page = archive.reading.list_artifacts(principal, in_review=True, limit=100)
    return [{"view": view, "missing": checklist(archive, view)} for view in page["items"]]


def _render_queue(
    request: Request,
    archive: Archive,
    viewer: Viewer,
    *,
    status: int = 200,
    notice: str | None = None,
    failed: dict[str, Any] | None = None,
) -> Response:
    context = {
        "items": _queue(archive, viewer.principal),
        "notice": notice,
        "failed": failed or {},
    }
    return render(request, viewer, "review.html", context, status=status)


@router.get("/review")
def review_page(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, done: str | None = None
) -> Response:
    _editor(viewer, "review submissions")
    return _render_queue(request, archive, viewer, notice=NOTICES.get(done or ""))


@router.post("/review/{artifact_id}/publish")
def publish(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    principal = _editor(viewer, "publish")
    try:
        version = form_version(form)
        archive.artifacts.publish(
            principal,
            artifact_id,
            version,
            licence=text(form, "licence") or None,
            visibility=text(form, "visibility") or None,
            note=text(form, "note"),
        )
    except (PublishRequirementsMissing, VersionConflict, Conflict, InvalidInput) as error:
        status = 422 if isinstance(error, (PublishRequirementsMissing, InvalidInput)) else 409
        if isinstance(error, VersionConflict):
            message = (
                "This draft changed after the queue was loaded; look at it again before publishing."
            )
        else:
            message = error.detail
        failed = {"id": str(artifact_id), "message": message}
        return _render_queue(request, archive, viewer, status=status, failed=failed)
    return RedirectResponse(f"/artifacts/{artifact_id}?done=published", status_code=303)


@router.post("/artifacts/{artifact_id}/withdraw")
def withdraw(
    artifact_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    principal = _editor(viewer, "withdraw artifacts")
    version = form_version(form) if text(form, "version") else None
    archive.artifacts.withdraw(principal, artifact_id, text(form, "reason"), version)
    return RedirectResponse("/review?done=withdrawn", status_code=303)
