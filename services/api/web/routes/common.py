"""What every page route shares: the router class, the viewer and the checked form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from domain.errors import InvalidInput
from domain.policy import NotSignedIn
from services.api.web.errors import WebRoute
from services.api.web.session import Viewer, check_csrf, viewer_for

MAX_FORM_FIELDS = 400


def page_router() -> APIRouter:
    return APIRouter(route_class=WebRoute, include_in_schema=False)


def current_viewer(request: Request) -> Viewer:
    """The viewer, with the count of their unread notifications for the header
    (one count on the inbox's recipient index; this dependency runs in the thread pool)."""
    viewer = viewer_for(request)
    if viewer.signed_in and viewer.unread is None and viewer.principal.id is not None:
        viewer.unread = request.app.state.container.inbox.unread_count(viewer.principal.id)
    return viewer


async def checked_form(request: Request) -> FormData:
    """The posted form, refused (403) unless its CSRF token matches the cookie."""
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    check_csrf(request, form)
    return form


def require_signed_in(viewer: Viewer, action: str) -> None:
    if not viewer.signed_in:
        raise NotSignedIn(f"Sign in to {action}.")


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
FormDep = Annotated[FormData, Depends(checked_form)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def form_version(form: FormData) -> int:
    """The form's ``version`` field: a whole number (a missing one counts as 0)."""
    value = text(form, "version") or "0"
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise InvalidInput(f"The version {value[:40]!r} is not a whole number.", field="version")
    return int(value)
