"""Who is looking at a page: the sign-in cookie, and CSRF tokens for forms.

The session cookie holds the access token the person signed in with (Secure,
HttpOnly, SameSite=Strict). Forms carry a CSRF token that must equal the
``cp_csrf`` cookie (double submit; the cookie is HttpOnly and SameSite=Strict,
so another site can neither read nor send it), and a cross-site ``Origin`` or
``Sec-Fetch-Site`` is refused as well.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from domain.access import ANONYMOUS, Principal, Role
from domain.errors import Forbidden
from infra.bootstrap import Container

SESSION_COOKIE = "cp_session"
CSRF_COOKIE = "cp_csrf"
CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600
COOKIE_FLAGS = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}


class CsrfRefused(Forbidden):
    title = "Form not accepted"


@dataclass
class Viewer:
    """The person behind a request, and what the response must do to their cookies."""

    principal: Principal = ANONYMOUS
    stale_session: bool = False
    csrf_cookie: str | None = None
    _csrf: str | None = field(default=None, repr=False)
    new_csrf: bool = False

    @property
    def signed_in(self) -> bool:
        return not self.principal.is_anonymous

    @property
    def is_member(self) -> bool:
        return self.principal.is_member

    @property
    def is_partner(self) -> bool:
        return self.principal.at_least(Role.PARTNER)

    @property
    def is_editor(self) -> bool:
        return self.principal.is_editor

    @property
    def role(self) -> str:
        return self.principal.role.value if self.principal.role else ""

    def csrf_token(self) -> str:
        """The token to put in a form; a new one is set as a cookie if there is none."""
        if self._csrf is None:
            if self.csrf_cookie and len(self.csrf_cookie) >= 32:
                self._csrf = self.csrf_cookie
            else:
                self._csrf = secrets.token_urlsafe(32)
                self.new_csrf = True
        return self._csrf

    def finish(self, response: Response) -> Response:
        """Set or clear the cookies this request decided on."""
        if self.new_csrf and self._csrf:
            response.set_cookie(CSRF_COOKIE, self._csrf, max_age=SESSION_SECONDS, **COOKIE_FLAGS)  # type: ignore[arg-type]
        if self.stale_session:
            response.delete_cookie(SESSION_COOKIE, **COOKIE_FLAGS)  # type: ignore[arg-type]
        return response


def viewer_for(request: Request) -> Viewer:
    """Reads the session cookie; an unknown or revoked token signs the person out."""
    cached = request.scope.get("commonplace.viewer")
    if isinstance(cached, Viewer):
        return cached
    container: Container = request.app.state.container
    viewer = Viewer(csrf_cookie=request.cookies.get(CSRF_COOKIE))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = container.archive.authenticate(token)
        if principal is None:
            viewer.stale_session = True
        else:
            viewer.principal = principal
    request.scope["commonplace.viewer"] = viewer
    return viewer


def sign_in(response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, **COOKIE_FLAGS)  # type: ignore[arg-type]
    # A fresh CSRF token at every sign-in, so one planted before cannot be reused.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        max_age=SESSION_SECONDS,
        **COOKIE_FLAGS,  # type: ignore[arg-type]
    )


def sign_out(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, **COOKIE_FLAGS)  # type: ignore[arg-type]
    response.delete_cookie(CSRF_COOKIE, **COOKIE_FLAGS)  # type: ignore[arg-type]


def check_csrf(request: Request, form: FormData) -> None:
    """Refuse a form unless its token matches the cookie and it came from this site."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    sent = form.get(CSRF_FIELD)
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused("This form was sent from another site, so it was not accepted.")
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.url.netloc:
        raise CsrfRefused("This form was sent from another site, so it was not accepted.")
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise CsrfRefused(
            "This form could not be accepted: its security token is missing or out of date "
            "(for example after signing in again in another tab). Go back, reload the page "
            "and send it again; nothing was changed."
        )
