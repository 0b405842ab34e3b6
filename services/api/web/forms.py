"""The draft editor's form: what was typed, as the same shape as an artifact view,
and the content a revision sends to the archive."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile

from domain.artifact import COMMON_FIELDS
from domain.values import ALL_RIGHTS_RESERVED, KINDS
from services.api.web.i18n import N_

SINGLE = (
    "title",
    "summary",
    "body",
    "stage",
    "place",
    "convening",
    "excursion",
    "date",
    "language",
    "licence",
    "visibility",
    "group",
    "adaptation_note",
)
LINES = ("presenters", "evidence")

_CC = "https://creativecommons.org/licenses/{}/4.0/"
# What each licence means for someone who wants to adapt the work, in one sentence
# (message ids: the pages translate them).
LICENCE_HELP: dict[str, str] = {
    _CC.format("by"): N_(
        "Anyone may copy, adapt and build on it, for any purpose, as long as they credit you."
    ),
    _CC.format("by-sa"): N_(
        "Anyone may adapt it for any purpose if they credit you and share "
        "their adaptation under this same licence."
    ),
    _CC.format("by-nc"): N_(
        "Anyone may adapt it and share the adaptation with credit to you, "
        "but not to make money from it."
    ),
    _CC.format("by-nc-sa"): N_(
        "Anyone may adapt it with credit to you, not to make money from it, "
        "and must share the adaptation under this same licence."
    ),
    _CC.format("by-nd"): N_(
        "Others may pass it on unchanged with credit to you, but may not share "
        "adaptations: nobody can adapt it for their own place."
    ),
    _CC.format("by-nc-nd"): N_(
        "Others may pass it on unchanged, with credit and not to make money, "
        "but may not share adaptations: nobody can adapt it for their own place."
    ),
    "https://creativecommons.org/publicdomain/zero/1.0/": N_(
        "You give up your rights: anyone may "
        "copy and adapt it for any purpose, without having to credit you."
    ),
    ALL_RIGHTS_RESERVED: N_(
        "Others may read it here, but need your permission to copy it "
        "and cannot adapt it for their own place."
    ),
}


def _get(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _all(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def values_from_form(form: FormData, base: dict[str, Any]) -> dict[str, Any]:
    """What the person typed, over the draft they loaded (kind, media, lineage, status)."""
    values = dict(base)
    for name in SINGLE:
        if name in form:
            raw = _get(form, name)
            values[name] = raw.replace("\r\n", "\n") if name == "body" else raw.strip()
    names = _all(form, "contributor_name")
    roles = _all(form, "contributor_role")
    values["contributors"] = [
        {"name": n.strip(), "role": r} for n, r in zip(names, roles, strict=False) if n.strip()
    ]
    values["terms"] = list(dict.fromkeys(_all(form, "term")))
    values["themes"] = [t.strip() for t in _get(form, "themes").split(",") if t.strip()]
    for name in LINES:
        values[name] = [line.strip() for line in _get(form, name).splitlines() if line.strip()]
    values["presentations"] = _all(form, "presentations")
    values["media"] = [
        {
            **m,
            "alt": _get(form, f"media_alt_{m['id']}").strip()
            if f"media_alt_{m['id']}" in form
            else m.get("alt", ""),
            "caption": _get(form, f"media_caption_{m['id']}").strip()
            if f"media_caption_{m['id']}" in form
            else m.get("caption", ""),
        }
        for m in base.get("media") or []
    ]
    values["note"] = _get(form, "note").strip()
    return values


def content_for(kind: str, values: dict[str, Any], *, adapted: bool) -> dict[str, Any]:
    """The revision to send: every field the kind has, empty text as no value."""
    names = [n for n in COMMON_FIELDS if n != "adaptation_note" or adapted]
    names += sorted(KINDS[kind].fields)
    content: dict[str, Any] = {}
    for name in names:
        value = values.get(name)
        if isinstance(value, str):
            value = value or None
        content[name] = value
    content["language"] = content.get("language") or "en"
    content["visibility"] = content.get("visibility") or "public"
    return content


def media_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[tuple[str, dict[str, str]]]:
    """(media id, changed alt/caption) for each media whose description was edited."""
    old = {m["id"]: m for m in before}
    changes = []
    for media in after:
        previous = old.get(media["id"], {})
        changed = {
            k: media.get(k, "")
            for k in ("alt", "caption")
            if (media.get(k) or "") != (previous.get(k) or "")
        }
        if changed:
            changes.append((media["id"], changed))
    return changes


def uploaded_file(form: FormData) -> UploadFile | None:
    value = form.get("file")
    if isinstance(value, UploadFile) and value.filename and (value.size or 0) > 0:
        return value
    return None


def empty_values(kind: str) -> dict[str, Any]:
    return {
        "id": None,
        "kind": kind,
        "version": 0,
        "status": "draft",
        "title": "",
        "summary": "",
        "body": "",
        "contributors": [],
        "terms": [],
        "stage": None,
        "place": None,
        "convening": None,
        "excursion": None,
        "date": None,
        "language": "en",
        "licence": None,
        "visibility": "public",
        "themes": [],
        "presenters": [],
        "group": None,
        "evidence": [],
        "presentations": [],
        "adaptation_note": None,
        "syndication": "adaptable",  # the domain's default (domain/artifact_fields.py)
        "media": [],
        "adapted_from": None,
        "in_review": False,
        "note": "",
    }
