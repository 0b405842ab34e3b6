"""Jinja2 templates (autoescaped) and the one function that turns them into responses.

Each language has its own environment, with that language's catalogue installed
through Jinja2's i18n extension; a page is rendered by the environment of its
request's language, so concurrent requests in different languages never share
translations. Dates and numbers are formatted by Babel in the same language.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from domain.values import KINDS, LICENCES
from services.api.web import i18n
from services.api.web.labels import (
    KIND_LABELS,
    LICENCE_NAMES,
    NO_LICENCE,
    ROLE_LABELS,
    checklist_line,
)
from services.api.web.session import CSRF_FIELD, Viewer
from services.api.web.static import static_url

TEMPLATES = Path(__file__).parent / "templates"

# Babel date patterns per language; a language without one uses the English pattern.
DATE_PATTERNS = {"en": "d MMMM y", "es": "d 'de' MMMM 'de' y"}
DATETIME_PATTERNS = {"en": "d MMMM y, HH:mm", "es": "d 'de' MMMM 'de' y, HH:mm"}


def human_date(value: Any) -> str:
    """16 February 2023, from a date, a datetime or an ISO string."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
    lang = i18n.current()
    if isinstance(value, datetime):
        pattern = DATETIME_PATTERNS.get(lang, DATETIME_PATTERNS["en"])
        return format_datetime(value, pattern, tzinfo=UTC, locale=lang) + " UTC"
    if isinstance(value, date):
        return format_date(value, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)
    return str(value)


def number(value: Any) -> str:
    """A count or measure written the way the page's language writes numbers."""
    if isinstance(value, (int, float)):
        return str(format_decimal(value, locale=i18n.current()))
    return str(value)


def iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value or "")


def kind_label(kind: str | None) -> str:
    spec = KINDS.get(kind or "")
    label = spec.label if spec else (kind or "").replace("-", " ").capitalize()
    return i18n.gettext(KIND_LABELS.get(kind or "", label))


def licence_label(uri: str | None) -> str:
    if not uri:
        return i18n.gettext(NO_LICENCE)
    if uri in LICENCE_NAMES:
        return i18n.gettext(LICENCE_NAMES[uri])
    return LICENCES.get(uri, uri)


def role_label(role: str) -> str:
    return i18n.gettext(ROLE_LABELS.get(role, role.replace("-", " ").capitalize()))


def jsonld_script(document: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> data block, safe inside HTML:
    every ``<``, ``>`` and ``&`` is written as a JSON escape, so ``</script>`` cannot occur."""
    text = json.dumps(document, ensure_ascii=False, default=str, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def query(params: dict[str, Any] | list[tuple[str, Any]]) -> str:
    items = params.items() if isinstance(params, dict) else params
    pairs = [(k, v) for k, v in items if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def switch_url(request: Request, lang: str) -> str:
    """This page's address in another language (the language switch's links)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + query([*params, ("lang", lang)])


def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        human_date=human_date,
        iso=iso,
        number=number,
        checklist_line=checklist_line,
        kind_label=kind_label,
        licence_label=licence_label,
        role_label=role_label,
    )
    env.globals.update(
        static=static_url,
        query=query,
        switch_url=switch_url,
        KINDS=KINDS,
        LICENCES=LICENCES,
        CSRF_FIELD=CSRF_FIELD,
        LANGUAGES=[(code, i18n.own_name(code)) for code in i18n.LANGUAGES],
        lang=lang,
    )
    return env


environments = {lang: _environment(lang) for lang in i18n.LANGUAGES}
environment = environments[i18n.DEFAULT]


def render(
    request: Request,
    viewer: Viewer,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    lang = i18n.language_of(request.scope)
    with i18n.use(lang):
        page = (
            environments[lang]
            .get_template(template)
            .render(request=request, viewer=viewer, path=request.url.path, **(context or {}))
        )
    response = HTMLResponse(page, status_code=status, headers=headers)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    if viewer.signed_in or viewer.new_csrf:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers.setdefault("Cache-Control", "no-cache")
    viewer.finish(response)
    return response
