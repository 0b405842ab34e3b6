"""Jinja2 templates (autoescaped) and the one function that turns them into responses."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from domain.values import KINDS, LICENCES
from services.api.web.session import CSRF_FIELD, Viewer
from services.api.web.static import static_url

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


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
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value or "")


def kind_label(kind: str | None) -> str:
    spec = KINDS.get(kind or "")
    return spec.label if spec else (kind or "").replace("-", " ").capitalize()


def licence_label(uri: str | None) -> str:
    return LICENCES.get(uri or "", uri or "No licence chosen")


def role_label(role: str) -> str:
    return role.replace("-", " ").capitalize()


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


environment.filters.update(
    human_date=human_date,
    iso=iso,
    kind_label=kind_label,
    licence_label=licence_label,
    role_label=role_label,
)
environment.globals.update(
    static=static_url, query=query, KINDS=KINDS, LICENCES=LICENCES, CSRF_FIELD=CSRF_FIELD
)


def render(
    request: Request,
    viewer: Viewer,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    page = environment.get_template(template).render(
        request=request, viewer=viewer, path=request.url.path, **(context or {})
    )
    response = HTMLResponse(page, status_code=status, headers=headers)
    if viewer.signed_in or viewer.new_csrf:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers.setdefault("Cache-Control", "no-cache")
    viewer.finish(response)
    return response
