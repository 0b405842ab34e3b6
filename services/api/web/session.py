"""Who is looking at a page: server-side sessions, and CSRF tokens for forms.

Signing in starts a session kept server-side (see ``infra/sessions.py``); the
browser holds only its random id, in a cookie (Secure, HttpOnly,
SameSite=Strict). Signing out deletes the session, so a copied cookie stops
working at once. The API never reads these cookies: it takes bearer tokens.

A form's CSRF token is an HMAC, under a server key, of the session id (or, for
someone not signed in, of the random id in the ``cp_csrf`` cookie), so only a
token this server derived for this browser's session passes: a cookie and field
pair made up elsewhere does not. State-changing page requests whose ``Origin``
(or, without one, ``Sec-Fetch-Site`` or ``Referer``) is another site, or
``null``, are refused as well.

Cookie names carry the ``__Host-`` prefix (the browser then refuses them from a
subdomain or over plain http) when the site's ``BASE_URL`` is https, as every
deployment's must be. A site on plain http is a developer's on loopback: its
cookies keep the Secure flag, which browsers honour on localhost, but not the
prefix, which they would refuse there.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from domain.access import ANONYMOUS, AccessToken, Principal, Role, token_id_for
from domain.application import Archive
from domain.errors import Forbidden
from domain.policy import require_role
from infra.sessions import Session, SessionStore

CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600
CACHE_SECONDS = 2.0  # as for tokens: a sign-out on another API host counts within this
COOKIE_FLAGS = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRefused(Forbidden):
    title = "Form not accepted"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class WebSessions:
    """Sessions for the pages: starting and ending them, and the CSRF tokens bound to them."""

    def __init__(
        self, store: SessionStore, archive: Archive, base_url: str, secret: str | None = None
    ) -> None:
        self.store = store
        self.archive = archive
        prefix = "__Host-" if base_url.lower().startswith("https://") else ""
        self.session_cookie = f"{prefix}cp_session"
        self.form_cookie = f"{prefix}cp_csrf"
        self.site_origin = _origin(base_url)
        self._secret = secret.encode() if secret else None
        self._cache: dict[str, tuple[Session | None, Principal | None, float]] = {}

    @property
    def key(self) -> bytes:
        if self._secret is None:
            self._secret = self.store.secret()
        return self._secret

    def csrf_for(self, purpose: str, value: str) -> str:
        message = f"commonplace csrf\0{purpose}\0{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def lookup(self, session_id: str) -> tuple[Session | None, Principal | None]:
        """The live session and who it is for; (None, None) once ended, expired or revoked."""
        cached = self._cache.get(session_id)
        if cached is not None and cached[2] > time.monotonic():
            return cached[0], cached[1]
        session = self.store.get(session_id)
        principal = _principal_for(self.archive, session.token_id) if session else None
        if principal is None:
            session = None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[session_id] = (session, principal, time.monotonic() + CACHE_SECONDS)
        return session, principal

    def begin(self, request: Request, response: Response, token: str) -> None:
        """A new session (never the one the browser came with) for a checked token."""
        self.end(request, response)
        session = self.store.create(token_id_for(token), SESSION_SECONDS)
        response.set_cookie(
            self.session_cookie,
            session.id,
            max_age=SESSION_SECONDS,
            **COOKIE_FLAGS,  # type: ignore[arg-type]
        )

    def end(self, request: Request, response: Response) -> None:
        session_id = request.cookies.get(self.session_cookie)
        if session_id:
            self.store.delete(session_id)
            self._cache.pop(session_id, None)
        response.delete_cookie(self.session_cookie, **COOKIE_FLAGS)  # type: ignore[arg-type]

    def from_this_site(self, request: Request) -> bool:
        """False when the browser says the request came from another site (or from nowhere)."""
        allowed = {self.site_origin, _origin(str(request.base_url))}
        origin = request.headers.get("origin")
        if origin is not None:
            return origin.lower() in allowed  # "null" (sandboxed frames, data: URLs) is refused
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None:
            return fetch_site in ("same-origin", "none")
        referer = request.headers.get("referer")
        if referer:
            return _origin(referer) in allowed
        return True  # not a browser that says where it comes from; the token still decides


def _principal_for(archive: Archive, token_id: UUID) -> Principal | None:
    try:
        record: object = archive.repository.get(token_id)
    except AggregateNotFoundError:
        return None
    if not isinstance(record, AccessToken) or record.revoked:
        return None
    return record.principal()


def sessions_of(request: Request) -> WebSessions:
    sessions: WebSessions = request.app.state.web_sessions
    return sessions


@dataclass
class Viewer:
    """The person behind a request, and what the response must do to their cookies."""

    sessions: WebSessions | None = field(default=None, repr=False)
    principal: Principal = ANONYMOUS
    session: Session | None = field(default=None, repr=False)
    stale_session: bool = False
    form_key: str | None = field(default=None, repr=False)
    new_csrf: bool = False
    unread: int | None = None  # unread inbox notifications, shown in the header

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

    def acting(self, role: Role, action: str) -> Principal:
        """The principal, when at least ``role``; refused otherwise, naming ``action``."""
        require_role(self.principal, role, action)
        return self.principal

    def expected_csrf(self) -> str | None:
        """The token a form from this browser must carry; None if it cannot have one."""
        if self.sessions is None:
            return None
        if self.session is not None:
            return self.sessions.csrf_for("session", self.session.id)
        if self.form_key and len(self.form_key) >= 32:
            return self.sessions.csrf_for("anonymous", self.form_key)
        return None

    def csrf_token(self) -> str:
        """The token to put in a form; someone not signed in gets a form key cookie for it."""
        expected = self.expected_csrf()
        if expected is None:
            self.form_key = secrets.token_urlsafe(32)
            self.new_csrf = True
            expected = self.expected_csrf()
        return expected or ""

    def finish(self, response: Response) -> Response:
        """Set or clear the cookies this request decided on."""
        if self.sessions is None:
            return response
        if self.new_csrf and self.form_key:
            response.set_cookie(
                self.sessions.form_cookie,
                self.form_key,
                max_age=SESSION_SECONDS,
                **COOKIE_FLAGS,  # type: ignore[arg-type]
            )
        if self.stale_session:
            response.delete_cookie(self.sessions.session_cookie, **COOKIE_FLAGS)  # type: ignore[arg-type]
        return response


def viewer_for(request: Request) -> Viewer:
    """Reads the session cookie; an ended, expired or revoked session signs the person out."""
    cached = request.scope.get("commonplace.viewer")
    if isinstance(cached, Viewer):
        return cached
    sessions = sessions_of(request)
    viewer = Viewer(sessions, form_key=request.cookies.get(sessions.form_cookie))
    session_id = request.cookies.get(sessions.session_cookie)
    if session_id:
        session, principal = sessions.lookup(session_id)
        if session is None or principal is None:
            viewer.stale_session = True
        else:
            viewer.session, viewer.principal = session, principal
    request.scope["commonplace.viewer"] = viewer
    return viewer


def sign_in(request: Request, response: Response, token: str) -> None:
    sessions_of(request).begin(request, response, token)


def sign_out(request: Request, response: Response) -> None:
    sessions = sessions_of(request)
    sessions.end(request, response)
    response.delete_cookie(sessions.form_cookie, **COOKIE_FLAGS)  # type: ignore[arg-type]


def check_csrf(request: Request, form: FormData) -> None:
    """Refuse a form unless it came from this site and carries this session's token."""
    if not sessions_of(request).from_this_site(request):
        raise CsrfRefused("This form was sent from another site, so it was not accepted.")
    expected = viewer_for(request).expected_csrf()
    sent = form.get(CSRF_FIELD)
    if expected is None or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRefused(
            "This form could not be accepted: its security token is missing or out of date "
            "(for example after signing in again in another tab). Go back, reload the page "
            "and send it again; nothing was changed."
        )
