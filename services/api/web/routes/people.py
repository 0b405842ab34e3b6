"""The people in a draft: list a recorded person with a role, record a new one, record a
consent, and see what consent publishing still needs.

Editors and partners use the page of a draft they may edit. Every form carries the
CSRF token and goes through the same commands as the API (``archive.artifacts.revise``
with ``persons``, ``archive.people.record`` and ``archive.people.give``); a refused
form comes back with the reason and the status the API would have answered with.
The consent form, which also files a signed form, is in ``people_consent.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from domain.access import Principal, Role
from domain.application import Archive
from domain.errors import Conflict, Forbidden, InvalidInput, VersionConflict
from domain.policy import require_role
from services.api.deps import ArchiveDep
from services.api.problems import status_for
from services.api.web import i18n
from services.api.web.form_pages import form_page
from services.api.web.i18n import N_
from services.api.web.routes.common import FormDep, ViewerDep, form_version, page_router, text
from services.api.web.session import Viewer

router = page_router()
REFUSED = (InvalidInput, Conflict, VersionConflict, Forbidden)

ROLES = {
    "contributor": N_("Contributor"),
    "presenter": N_("Presenter"),
    "named": N_("Named in it"),
    "pictured": N_("Shown in a photo or video"),
    "recorded": N_("Heard in a recording"),
}
CREDITS = {
    "full-name": N_("Full name"),
    "first-name": N_("First name only"),
    "initials": N_("Initials only"),
    "anonymous": N_("Not named at all"),
}
SCOPES = {
    "members": N_("Members of this site only"),
    "public": N_("Anyone on the web"),
    "shared": N_("Shared with other sites (feeds, OAI-PMH, packages)"),
    "adaptable": N_("Shared, and other sites may adapt it"),
}
GIVERS = {"person": N_("The person themselves"), "guardian": N_("Their guardian")}
METHODS = {
    "signed-form": N_("A signed form"),
    "verbal": N_("Said aloud before a witness"),
    "online": N_("An online form"),
}
# What the forms send back after a refusal, each empty at first.
TYPED = (
    "name",
    "credit",
    "guardian_contact",
    "minor_until",
    "minor",
    "role",
    "person_id",
    "scope",
    "given_by",
    "method",
    "evidence",
    "expires",
    "applies",
)
# The fields the commands name, as this page's fields are called.
FIELDS = {
    "witness": "evidence",
    "form_media_id": "evidence",
    "expires_at": "expires",
    "persons": "person_id",
}
NOTICES = {
    "listed": N_("The person is listed in this artifact."),
    "removed": N_("The person is no longer listed in this artifact."),
    "recorded": N_("The person was recorded and listed in this artifact."),
    "consent": N_("The consent was recorded."),
    "signed": N_("The signed form was filed and the consent recorded."),
}


def _editor_of(viewer: Viewer) -> Principal:
    require_role(viewer.principal, Role.PARTNER, "list the people in an artifact")
    return viewer.principal


def _page(
    request: Request,
    archive: Archive,
    viewer: Viewer,
    artifact_id: UUID,
    *,
    notice: str | None = None,
    failure: dict[str, Any] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    principal = _editor_of(viewer)
    view = archive.reading.get_artifact(principal, artifact_id, draft=True)
    listed = {entry["person_id"] for entry in view["persons"]}
    known = [p for p in archive.people.persons(principal) if not p["erased"]]
    context = {
        "artifact": view,
        "persons": view["persons"],
        "unlisted": [p for p in known if str(p["id"]) not in listed],
        "consentable": [p for p in known if str(p["id"]) in listed],
        "missing": archive.artifacts.consent_missing(view),
        "roles": ROLES,
        "credits": CREDITS,
        "scopes": SCOPES,
        "givers": GIVERS,
        "methods": METHODS,
        "notice": notice,
        "typed": {name: "" for name in TYPED} | (typed or {}),
    }
    if failure:
        with i18n.use(i18n.language_of(request.scope)):  # the reason in the page's language
            failure = {**failure, "error": i18n.gettext(failure["error"])}
    return form_page(request, viewer, "people.html", context, failure)


@router.get("/drafts/{artifact_id}/people")
def people_page(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    done: str | None = None,
) -> Response:
    """The people listed in a draft and the consent publishing still needs."""
    notice = NOTICES.get(done or "")
    return _page(request, archive, viewer, artifact_id, notice=notice)


def _relist(
    archive: Archive,
    principal: Principal,
    artifact_id: UUID,
    form: FormData,
    persons: list[dict[str, str]],
) -> None:
    changes = {"persons": [{"person_id": p["person_id"], "role": p["role"]} for p in persons]}
    archive.artifacts.revise(principal, artifact_id, form_version(form), changes)


def _current(archive: Archive, principal: Principal, artifact_id: UUID) -> list[dict[str, str]]:
    return list(archive.reading.get_artifact(principal, artifact_id, draft=True)["persons"])


def _done(artifact_id: UUID, what: str) -> Response:
    return RedirectResponse(f"/drafts/{artifact_id}/people?done={what}", status_code=303)


@router.post("/drafts/{artifact_id}/people/list")
def list_person(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    principal = _editor_of(viewer)
    entry = {"person_id": text(form, "person_id"), "role": text(form, "role")}
    try:
        if not entry["person_id"]:
            raise InvalidInput(N_("Choose a person to list."), field="person_id")
        _relist(
            archive,
            principal,
            artifact_id,
            form,
            [*_current(archive, principal, artifact_id), entry],
        )
    except REFUSED as exc:
        return _page(request, archive, viewer, artifact_id, failure=_failure(exc, "list"))
    return _done(artifact_id, "listed")


@router.post("/drafts/{artifact_id}/people/remove")
def remove_person(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    principal = _editor_of(viewer)
    gone = (text(form, "person_id"), text(form, "role"))
    kept = [
        p for p in _current(archive, principal, artifact_id) if (p["person_id"], p["role"]) != gone
    ]
    try:
        _relist(archive, principal, artifact_id, form, kept)
    except REFUSED as exc:
        return _page(request, archive, viewer, artifact_id, failure=_failure(exc, "list"))
    return _done(artifact_id, "removed")


@router.post("/drafts/{artifact_id}/people/new")
def record_person(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    """Record a new person, then list them in the draft with the chosen role."""
    principal = _editor_of(viewer)
    names = ("name", "credit", "guardian_contact", "minor_until", "role")
    typed = {name: text(form, name) for name in names} | {"minor": text(form, "minor")}
    try:
        archive.reading.get_artifact(principal, artifact_id, draft=True)  # may edit it
        data = {
            "name": typed["name"],
            "credit": typed["credit"] or "full-name",
            "guardian_contact": typed["guardian_contact"] or None,
            "minor": bool(typed["minor"]),
            "minor_until": _day(typed["minor_until"], "minor_until"),
        }
        person_id = archive.people.record(principal, data).id
        entry = {"person_id": person_id, "role": typed["role"] or "named"}
        _relist(
            archive,
            principal,
            artifact_id,
            form,
            [*_current(archive, principal, artifact_id), entry],
        )
    except REFUSED as exc:
        failure = _failure(exc, "new")
        return _page(request, archive, viewer, artifact_id, failure=failure, typed=typed)
    return _done(artifact_id, "recorded")


def _failure(
    exc: InvalidInput | Conflict | VersionConflict | Forbidden, form: str
) -> dict[str, Any]:
    """The reason a command refused a form, and the field of this page it names
    (``<form>-<field>``: the page holds several forms)."""
    field = str(exc.extra.get("field") or "")
    bad = f"{form}-{FIELDS.get(field, field)}" if field else ""
    return {"error": exc.detail, "bad": bad, "status": status_for(exc)}


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(N_("Write the date as YYYY-MM-DD."), field=field) from None
