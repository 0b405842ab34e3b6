"""The catalogue's field rules: what a framework, place, convening or excursion
must say, checked the same way when it is made and when it is changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.catalogue import PLACE_KINDS, Catalogued, Convening, Place
from domain.catalogue_cache import CatalogueCache
from domain.errors import InvalidInput, VersionConflict
from domain.values import check_slug


def place_fields(records: CatalogueCache, data: dict[str, Any], slug: str) -> dict[str, Any]:
    kind = data.get("kind")
    if kind not in PLACE_KINDS:
        raise InvalidInput(
            f"Place kind {kind!r} is not one of: {', '.join(PLACE_KINDS)}.", field="kind"
        )
    parent = data.get("parent")
    if parent is not None:
        if records.get(Place, "places", parent) is None:
            raise InvalidInput(f"Unknown parent place {parent!r}.", field="parent")
        if slug in {p.slug for p in records.place_ancestors(parent)} | {parent}:
            raise InvalidInput("A place cannot be inside itself.", field="parent")
    lat, lon = data.get("lat"), data.get("lon")
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both latitude and longitude, or neither.", field="lat")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("Coordinates are out of range.", field="lat")
    name = str(data.get("name") or "").strip()
    if not name:
        raise InvalidInput("A place needs a name.", field="name")
    return {
        "name": name,
        "kind": kind,
        "parent": parent,
        "lat": lat,
        "lon": lon,
        "identifiers": dict(data.get("identifiers") or {}),
    }


def convening_fields(records: CatalogueCache, data: dict[str, Any]) -> dict[str, Any]:
    records.require_reference(Place, "places", data.get("place") or "", "place")
    starts = iso_date(data.get("starts"), "starts", required=True)
    ends = iso_date(data.get("ends"), "ends", required=True)
    if ends is not None and starts is not None and ends < starts:
        raise InvalidInput("A convening cannot end before it starts.", field="ends")
    return {
        "title": required_text(data.get("title"), "title", "A convening needs a title."),
        "place": data["place"],
        "starts": starts,
        "ends": ends,
        "question": str(data.get("question") or ""),
        "summary": str(data.get("summary") or ""),
    }


def excursion_fields(records: CatalogueCache, data: dict[str, Any]) -> dict[str, Any]:
    convening = data.get("convening") or ""
    records.require_reference(Convening, "convenings", convening, "convening")
    records.require_reference(Place, "places", data.get("host_place") or "", "host_place")
    return {
        "convening": convening,
        "title": required_text(data.get("title"), "title", "An excursion needs a title."),
        "host_place": data["host_place"],
        "big_question": str(data.get("big_question") or ""),
        "date": iso_date(data.get("date"), "date", required=False),
        "leaders": [dict(leader) for leader in data.get("leaders") or []],
    }


def check_version(record: Catalogued, expected: int | None) -> None:
    if expected is not None and expected != record.version:
        raise VersionConflict(
            f"You edited version {expected} of {record.slug!r}, but it is now at version "
            f"{record.version}. Reload it, reapply your change and try again.",
            current_version=record.version,
        )


def required_text(value: Any, field: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def iso_date(value: Any, field: str, *, required: bool) -> str | None:
    """A date as ``YYYY-MM-DD`` (dates and ISO strings accepted)."""
    if value is None or value == "":
        if required:
            raise InvalidInput(f"Give a date for {field}.", field=field)
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD).", field=field) from None


def translated(item: dict[str, Any]) -> dict[str, Any]:
    """A term's or stage's labels in other languages, kept as given:
    ``{"labels": {"es": {"label": ..., "description": ...}}}`` (nothing when there are none)."""
    labels = item.get("labels")
    if not labels:
        return {}
    if not isinstance(labels, dict) or not all(
        isinstance(lang, str) and isinstance(text, dict) and isinstance(text.get("label"), str)
        for lang, text in labels.items()
    ):
        raise InvalidInput(
            "Labels must map a language code to a label and an optional description.",
            field="labels",
        )
    return {
        "labels": {
            lang: {"label": text["label"], "description": str(text.get("description") or "")}
            for lang, text in labels.items()
        }
    }


def framework_fields(data: dict[str, Any]) -> dict[str, Any]:
    terms = [
        {
            "id": check_slug(t["id"], "Term id"),
            "label": t["label"],
            "description": t.get("description", ""),
            "parent": t.get("parent"),
        }
        | translated(t)
        for t in data.get("terms", [])
    ]
    ids = [t["id"] for t in terms]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Term ids must be unique within a framework.", field="terms")
    for term in terms:
        if term["parent"] is not None and term["parent"] not in ids:
            raise InvalidInput(
                f"Term {term['id']!r} names an unknown parent {term['parent']!r}.", field="terms"
            )
    stages = [
        {
            "id": check_slug(s["id"], "Stage id"),
            "label": s["label"],
            "description": s.get("description", ""),
        }
        | translated(s)
        for s in data.get("stages", [])
    ]
    return {
        "name": data["name"],
        "description": data.get("description", ""),
        "source": data.get("source", ""),
        "terms": terms,
        "stages": stages,
    }
