"""Responses on the pages: the form and the approved responses under an artifact, the
author's withdrawal, and the editors' moderation queue.

The artifact page shows its responses through ``_responses.html``, which asks the
``responses_for`` template function (registered here on every language's template
environment) for what its viewer may see; the artifact page's route stays as it is.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from domain.access import Role
from domain.errors import InvalidInput
from domain.policy import require_role
from services.api.deps import ArchiveDep
from services.api.response_views import shown
from services.api.web.errors import localised_detail
from services.api.web.i18n import N_
from services.api.web.routes.common import FormDep, ViewerDep, page_router, text
from services.api.web.session import Viewer
from services.api.web.templating import environments, render

router = page_router()
NOTICES = {
    "sent": N_("Thank you. Your response waits for an editor; until then only you see it."),
    "withdrawn": N_("Your response was withdrawn. Nobody sees it any more."),
    "approved": N_("Approved: readers of the artifact see the response now."),
    "declined": N_("Declined: its author sees your reason."),
}


def responses_for(request: Request, viewer: Viewer, artifact_id: str) -> dict[str, Any]:
    """What the artifact page shows of its responses to this viewer (the page renders in
    the thread pool, so reading the store here is allowed)."""
    archive = request.app.state.container.archive
    found = archive.responses.of_artifact(viewer.principal, UUID(str(artifact_id)))
    return {
        "items": [shown(item) for item in found],
        "may_respond": viewer.principal.is_member,
        "notice": NOTICES.get(request.query_params.get("response") or ""),
    }


for _environment in environments.values():
    _environment.globals["responses_for"] = responses_for


def _back(artifact_id: str, done: str, response_id: str = "") -> RedirectResponse:
    anchor = f"response-{response_id}" if response_id else "responses"
    return RedirectResponse(f"/artifacts/{artifact_id}?response={done}#{anchor}", status_code=303)


@router.get("/artifacts/{artifact_id}/respond")
def respond_page(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    """The response form on its own page (and again with the problem after a refusal)."""
    require_role(viewer.principal, Role.MEMBER, "respond to artifacts")
    view = archive.reading.get_artifact(viewer.principal, artifact_id)
    return render(request, viewer, "respond.html", {"artifact": view, "text": "", "error": None})


@router.post("/artifacts/{artifact_id}/responses")
def respond(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Send a response for moderation; a refused text comes back in the form with why."""
    body = text(form, "text")
    try:
        result = archive.responses.submit(
            viewer.principal, artifact_id, body, syndicate=text(form, "syndicate") == "yes"
        )
    except InvalidInput as error:
        view = archive.reading.get_artifact(viewer.principal, artifact_id)
        context = {"artifact": view, "text": body, "error": localised_detail(request, error)}
        return render(request, viewer, "respond.html", context, status=422)
    return _back(str(artifact_id), "sent", result.id)


@router.post("/responses/{response_id}/withdraw")
def withdraw(response_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    found = archive.responses.get(viewer.principal, response_id)
    archive.responses.withdraw(viewer.principal, response_id)
    return _back(str(found["artifact_id"]), "withdrawn")


@router.get("/responses/moderation")
def moderation_page(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, done: str | None = None
) -> Response:
    """The responses waiting for an editor, oldest first."""
    queue = [shown(item) for item in archive.responses.queue(viewer.principal)]
    context = {"items": queue, "notice": NOTICES.get(done or "")}
    return render(request, viewer, "responses_moderation.html", context)


@router.post("/responses/{response_id}/approve")
def approve(response_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    archive.responses.approve(viewer.principal, response_id)
    return RedirectResponse("/responses/moderation?done=approved", status_code=303)


@router.post("/responses/{response_id}/decline")
def decline(response_id: UUID, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    archive.responses.decline(viewer.principal, response_id, text(form, "reason"))
    return RedirectResponse("/responses/moderation?done=declined", status_code=303)
