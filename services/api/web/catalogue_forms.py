"""The editors' catalogue forms: places, convenings and excursions, read from posted fields
into the data the Archive's commands take (``register_place``, ``update_place``,
``schedule_convening``, ``update_convening``, ``plan_excursion``, ``update_excursion``)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from domain.errors import InvalidInput

LEADER_ROLES = {"local-leader": "Local leader", "lead-learner": "Lead learner"}


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def slug_from(text: str) -> str:
    """``Saguaro Wash Middle School`` → ``saguaro-wash-middle-school``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")


def coordinate(form: FormData, name: str, label: str) -> float | None:
    raw = field(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"{label} {raw[:40]!r} is not a number.", field=name) from None


def day(form: FormData, name: str, label: str, *, required: bool) -> str | None:
    raw = field(form, name)
    if not raw:
        if required:
            raise InvalidInput(f"Give the {label.lower()} as a date.", field=name)
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        message = f"{label} {raw[:40]!r} is not a date (YYYY-MM-DD)."
        raise InvalidInput(message, field=name) from None


def place_data(form: FormData) -> dict[str, Any]:
    """Name, kind, parent and point of a place (the slug is added by the caller)."""
    return {
        "name": field(form, "name"),
        "kind": field(form, "kind"),
        "parent": field(form, "parent") or None,
        "lat": coordinate(form, "lat", "Latitude"),
        "lon": coordinate(form, "lon", "Longitude"),
    }


def new_slug(form: FormData, fallback: str) -> str:
    return field(form, "slug") or slug_from(fallback)


def revised(data: dict[str, Any]) -> dict[str, Any]:
    """The fields an edit form changes: all but the slug, which names the record."""
    return {name: value for name, value in data.items() if name != "slug"}


def edited_version(form: FormData) -> int | None:
    """The version an edit form was filled from (its hidden ``version`` field)."""
    raw = field(form, "version")
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"The form's version {raw[:20]!r} is not a number.", field="version")
    return int(raw)


def convening_data(form: FormData, *, slug: str | None = None) -> dict[str, Any]:
    title = field(form, "title")
    if not title:
        raise InvalidInput("A convening needs a title.", field="title")
    place = field(form, "place")
    if not place:
        raise InvalidInput("Choose where the convening takes place.", field="place")
    return {
        "slug": slug or new_slug(form, title),
        "title": title,
        "place": place,
        "starts": day(form, "starts", "First day", required=True),
        "ends": day(form, "ends", "Last day", required=True),
        "question": field(form, "question"),
        "summary": field(form, "summary"),
    }


def excursion_data(form: FormData, convening: str, *, slug: str | None = None) -> dict[str, Any]:
    title = field(form, "title")
    if not title:
        raise InvalidInput("An excursion needs a title.", field="title")
    host = field(form, "host_place")
    if not host:
        raise InvalidInput("Choose the place that hosts the excursion.", field="host_place")
    names = [v for v in form.getlist("leader_name") if isinstance(v, str)]
    roles = [v for v in form.getlist("leader_role") if isinstance(v, str)]
    leaders = []
    for name, role in zip(names, roles, strict=False):
        if not name.strip():
            continue
        if role not in LEADER_ROLES:
            raise InvalidInput(f"Unknown leader role {role[:40]!r}.", field="leader_role")
        leaders.append({"name": name.strip(), "role": role})
    return {
        "slug": slug or new_slug(form, title),
        "convening": convening,
        "title": title,
        "host_place": host,
        "big_question": field(form, "big_question"),
        "date": day(form, "date", "Date", required=False),
        "leaders": leaders,
    }
