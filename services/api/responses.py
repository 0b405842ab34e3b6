"""JSON responses with ETags, and problem details (RFC 9457)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from starlette.responses import Response

from services.api import problem_text

PROBLEM = "application/problem+json"


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"Cannot serialise {type(value).__name__}")


def dumps(data: Any) -> bytes:
    return json.dumps(data, default=_default, ensure_ascii=False, separators=(",", ":")).encode()


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def etag_for(version: int) -> str:
    return f'"{version}"'


def problem(
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    language: str | None = None,
    localised_detail: str | None = None,
    **extra: Any,
) -> Response:
    """A problem document. ``title`` and ``detail`` are given in English; the ``type`` is
    made from the English title, and the title and detail are sent in ``language`` (the
    request's, by default) as the catalogue words them. ``localised_detail`` is a detail
    the caller has already put into that language."""
    lang = language or problem_text.current_language()
    slug = title.lower().replace(" ", "-").replace("'", "")
    body = {
        "type": f"/problems/{slug}",
        "title": problem_text.title(title, lang),
        "status": status,
        "detail": localised_detail or problem_text.detail(detail, lang),
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {**(headers or {}), "Content-Language": lang}
    return Response(dumps(body), status_code=status, media_type=PROBLEM, headers=headers)
