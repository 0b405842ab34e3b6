"""The pages' languages: gettext catalogues, the language of each request, and the
middleware that chooses it.

Catalogues are ``locale/<lang>/LC_MESSAGES/messages.po`` files, compiled in memory
when first used: the ``.po`` file is the only source kept and shipped, so there is
no build step to forget and no compiled ``.mo`` that can fall out of date.

The language of a request is, in order: ``?lang=`` on the address (a shared link
or the language switch; the choice is then remembered in a cookie), the cookie,
then the browser's ``Accept-Language``. English is the default.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs

from babel.core import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
COOKIE = "commonplace_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def available() -> tuple[str, ...]:
    """English, then every language that has a catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return (DEFAULT, *(lang for lang in found if lang != DEFAULT))


LANGUAGES = available()


def own_name(lang: str) -> str:
    """A language's name in that language (English, Español), for the switch."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[0].upper() + name[1:]


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of one language, compiled from its ``.po`` file in memory."""
    source = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not source.exists():
        return NullTranslations()
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


_current: ContextVar[str] = ContextVar("commonplace_language", default=DEFAULT)


def current() -> str:
    """The language of the request being handled (English outside a request)."""
    return _current.get()


@contextmanager
def use(lang: str) -> Iterator[None]:
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it yet (module-level text)."""
    return message


def accepted(header: str) -> list[str]:
    """The languages of an ``Accept-Language`` header, most preferred first."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(header: str) -> str:
    preferred = accepted(header)
    # Babel matches "es-MX" to "es"; a bare "es" needs no help.
    found = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    if found is None:
        found = negotiate_locale([t.split("-")[0] for t in preferred], list(LANGUAGES), sep="-")
    return found or DEFAULT


def choose(asked: str | None, cookie: str | None, accept_language: str) -> str:
    """The language of a request: the address's ``lang``, the cookie, then the browser."""
    for explicit in (asked, cookie):
        if explicit in LANGUAGES:
            return explicit
    return negotiate(accept_language)


def _asked(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang")
    return values[-1] if values and values[-1] in LANGUAGES else None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(scope: Scope) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie"))
    except Exception:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def language_of(scope: Scope) -> str:
    """The language chosen for a request (computed once, then kept in its scope)."""
    state = scope.setdefault("state", {})
    if "language" not in state:
        accept = _header(scope, b"accept-language")
        state["language"] = choose(_asked(scope), _cookie(scope), accept)
    return str(state["language"])


class Languages:
    """ASGI middleware: each request runs in its language, and ``?lang=`` is remembered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = language_of(scope)
        remember = _asked(scope) is not None and _cookie(scope) != lang

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and remember:
                cookie = (
                    f"{COOKIE}={lang}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly"
                )
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        with use(lang):
            await self.app(scope, receive, send_with_cookie)
