"""Editors' pages: the review queue with its publish checklist, publishing, returning a
draft with comments and withdrawing; and answering review comments (contributors too)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from domain.access import Principal, Role
from domain.application import Archive
from domain.errors import Conflict, InvalidInput, PublishRequirementsMissing, VersionConflict
from domain.policy import require_role
from domain.review import GENERAL
from services.api.deps import ArchiveDep
from services.api.web.editor import checklist
from services.api.web.i18n import N_
from services.api.web.routes.common import FormDep, ViewerDep, form_version, page_router, text
from services.api.web.session import Viewer
from services.api.web.templating import render

router = page_router()
NOTICES = {
    "withdrawn": "Withdrawn. Readers now see the reason instead of the artifact.",
    "returned": N_("Returned with comments. Its contributors were told and can answer."),
    "answered": N_("Your answer was added to the conversation."),
}
# The fields the queue's return form offers a comment on, in the editor's order.
COMMENT_FIELDS = ("title", "summary", "body", "contributors", "terms", "place", "date", "licence")


def _queue(archive: Archive, principal: Principal) -> list[dict[str, Any]]:
    page = archive.reading.list_artifacts(principal, in_review=True, limit=100)
    return [
        {
            "view": view,
            "missing": checklist(archive, view),
            "talk": archive.review.conversation(principal, UUID(view["id"]))["returns"],
        }
        for view in page["items"]
    ]


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
        "comment_fields": COMMENT_FIELDS,
    }
    return render(request, viewer, "review.html", context, status=status)


@router.get("/review")
def review_page(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, done: str | None = None
) -> Response:
    viewer.acting(Role.EDITOR, "review submissions")
    return _render_queue(request, archive, viewer, notice=NOTICES.get(done or ""))


@router.post("/review/{artifact_id}/publish")
def publish(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    principal = viewer.acting(Role.EDITOR, "publish")
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
def withdraw(artifact_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    principal = viewer.acting(Role.EDITOR, "withdraw artifacts")
    version = form_version(form) if text(form, "version") else None
    archive.artifacts.withdraw(principal, artifact_id, text(form, "reason"), version)
    return RedirectResponse("/review?done=withdrawn", status_code=303)


@router.post("/review/{artifact_id}/return")
def return_draft(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    principal = viewer.acting(Role.EDITOR, "return drafts with comments")
    fields = {name: text(form, f"comment_{name}") for name in COMMENT_FIELDS}
    try:
        version = form_version(form)
        archive.review.return_draft(
            principal,
            artifact_id,
            version,
            general=text(form, f"comment_{GENERAL}"),
            fields={name: value for name, value in fields.items() if value},
        )
    except (VersionConflict, Conflict, InvalidInput) as error:
        status = 422 if isinstance(error, InvalidInput) else 409
        message = (
            "This draft changed after the queue was loaded; look at it again before returning it."
            if isinstance(error, VersionConflict)
            else error.detail
        )
        typed = {**fields, GENERAL: text(form, f"comment_{GENERAL}")}
        failed = {"id": str(artifact_id), "message": message, "typed": typed}
        return _render_queue(request, archive, viewer, status=status, failed=failed)
    return RedirectResponse("/review?done=returned", status_code=303)


@router.post("/drafts/{artifact_id}/comments")
def answer(artifact_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    """An answer to a review comment (or a general one), from a contributor or an editor."""
    require_role(viewer.principal, Role.PARTNER, "answer review comments")
    comment_id = text(form, "comment_id") or None
    archive.review.answer(viewer.principal, artifact_id, text(form, "text"), comment_id=comment_id)
    if text(form, "back") == "review":
        return RedirectResponse("/review?done=answered", status_code=303)
    return RedirectResponse(
        f"/drafts/{artifact_id}/edit?done=answered#conversation-{artifact_id}", status_code=303
    )
