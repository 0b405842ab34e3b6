"""Signing in with an access token, and signing out."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from domain.access import Principal, Role
from services.api.deps import ArchiveDep
from services.api.web.routes.common import FormDep, ViewerDep, page_router, text
from services.api.web.session import sign_in, sign_out
from services.api.web.templating import render

router = page_router()


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never another host (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    return target


def landing(principal: Principal) -> str:
    """Where signing in leads without a ``next``: an editor's work is the review queue."""
    if principal.at_least(Role.EDITOR):
        return "/review"
    return "/drafts" if principal.at_least(Role.PARTNER) else "/"


@router.get("/signin")
async def signin_page(request: Request, viewer: ViewerDep, next: str | None = None) -> Response:
    context = {"next": safe_next(next, ""), "error": None}
    return render(request, viewer, "signin.html", context)


@router.post("/signin")
def signin(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    token = text(form, "token")
    principal = archive.tokens.authenticate(token) if token else None
    if principal is None:
        context = {
            "next": safe_next(text(form, "next"), ""),
            "error": "That token was not recognised. Check that you copied all of it; "
            "a revoked token no longer works.",
        }
        headers = {"WWW-Authenticate": 'Bearer realm="commonplace"'}
        return render(request, viewer, "signin.html", context, status=401, headers=headers)
    default = landing(principal)
    response = RedirectResponse(safe_next(text(form, "next"), default), status_code=303)
    sign_in(request, response, token)
    return response


@router.post("/signout")
async def signout(request: Request, form: FormDep) -> Response:
    """Ends the session server-side, so a copy of the cookie no longer works."""
    response = RedirectResponse("/?signed_out=1", status_code=303)
    sign_out(request, response)
    return response
