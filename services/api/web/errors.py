"""Friendly HTML error pages, and a route class that turns errors into them.

The API maps domain errors to ``application/problem+json`` once, in
``services/api/problems.py``; pages do the same here, for their own routes only.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain import errors
from domain.policy import NotSignedIn
from domain.ports.media import MediaStoreUnavailable
from domain.ports.search import InvalidQuery, SearchUnavailable
from services.api import problem_text
from services.api.problems import status_for
from services.api.web.i18n import N_, gettext

TITLES = {
    400: N_("That request could not be understood"),
    401: N_("Please sign in"),
    403: N_("Not open to you"),
    404: N_("Page not found"),
    405: N_("Not something this page does"),
    409: N_("That clashes with the current state"),
    410: N_("Withdrawn"),
    412: N_("Someone else changed this"),
    413: N_("Too large"),
    422: N_("Something needs fixing"),
    500: N_("Something went wrong on our side"),
    503: N_("Temporarily unavailable"),
}
EXPLANATIONS = {
    404: N_(
        "There is nothing at this address. It may have been mistyped, or the page "
        "may be a draft that only its contributors can see."
    ),
    405: N_("This address does not accept that kind of request."),
    500: N_("The problem has been logged. Please try again in a moment."),
    503: N_("Part of the archive cannot be reached right now. Please try again shortly."),
}


def error_response(
    request: Request,
    status: int,
    detail: str = "",
    *,
    reason: str | None = None,
    headers: dict[str, str] | None = None,
    tombstone: bool = False,
) -> Response:
    from services.api.web.session import viewer_for
    from services.api.web.templating import render

    try:
        viewer = viewer_for(request)
    except (AttributeError, KeyError):  # no application state (e.g. outside the app)
        from services.api.web.session import Viewer

        viewer = Viewer()
    context = {
        "status": status,
        "title": gettext(TITLES.get(status, N_("Request failed"))),
        "detail": detail or (gettext(EXPLANATIONS[status]) if status in EXPLANATIONS else ""),
        "reason": reason,
        "next": request.url.path,
    }
    if tombstone:  # a withdrawn artifact: what its notices came to (runs in the thread pool)
        from services.api.web.tombstone import tombstone_facts

        context.update(tombstone_facts(request, viewer.is_editor))
    return render(request, viewer, "error.html", context, status=status, headers=headers)


def localised_detail(request: Request, exc: errors.DomainError) -> str:
    """The error's detail in the page's language (as the API gives it in its problems)."""
    lang = problem_text.language_of(request.scope)
    missing = exc.extra.get("missing")
    if isinstance(exc, errors.PublishRequirementsMissing) and isinstance(missing, list):
        return problem_text.publish_requirements([str(m) for m in missing], lang)
    return problem_text.detail(exc.detail, lang, template=exc.template, **exc.params)


def page_for_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotSignedIn):
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
        return error_response(request, 403, localised_detail(request, exc))
    if isinstance(exc, errors.Gone):
        reason = str(exc.extra.get("reason") or "")
        return error_response(request, 410, "", reason=reason, tombstone=True)
    if isinstance(exc, errors.DomainError):
        return error_response(request, status_for(exc), localised_detail(request, exc))
    if isinstance(exc, RequestValidationError):
        in_path = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
        if in_path:
            return error_response(request, 404)
        fields = ", ".join(str(e.get("loc", ("", "?"))[-1]) for e in exc.errors())
        message = gettext("Some values in the address are not valid: %(fields)s.")
        return error_response(request, 400, message % {"fields": fields})
    if isinstance(exc, InvalidQuery):
        return error_response(request, 400, str(exc))
    if isinstance(exc, (SearchUnavailable, MediaStoreUnavailable)):
        return error_response(request, 503, headers={"Retry-After": "5"})
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else ""
        return error_response(request, exc.status_code, detail)
    raise exc


HANDLED = (
    errors.DomainError,
    RequestValidationError,
    InvalidQuery,
    SearchUnavailable,
    MediaStoreUnavailable,
    HTTPException,
)


class WebRoute(APIRoute):
    """Routes of the pages: their errors become HTML pages with the right status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except HANDLED as exc:
                if isinstance(exc, errors.Gone):  # the tombstone reads the outbox
                    return await run_in_threadpool(page_for_error, request, exc)
                return page_for_error(request, exc)

        return guarded
