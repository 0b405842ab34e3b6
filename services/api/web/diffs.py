"""Diffs made readable: the two sides named as a reader knows them ("the 2nd edition",
"draft 4"), field changes in words, and the body's changed lines with the changed words
marked inside them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from domain.history import DRAFT_EVENTS, ordinal
from domain.values import LICENCES
from services.api.web.i18n import N_, current, gettext

FIELD_LABELS = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "contributors": N_("Contributors"),
    "terms": N_("Framework terms"),
    "stage": N_("Stage"),
    "place": N_("Place"),
    "convening": N_("Convening"),
    "excursion": N_("Excursion"),
    "date": N_("Date"),
    "language": N_("Language"),
    "licence": N_("Licence"),
    "visibility": N_("Who can read it"),
    "themes": N_("Themes"),
    "presenters": N_("Presenters"),
    "group": N_("Group"),
    "evidence": N_("Evidence"),
    "presentations": N_("Presentations of learning"),
    "adaptation_note": N_("What was changed for the new place"),
    "media": N_("Media"),
}
WORDS = re.compile(r"\s+|[^\s]+")
# Steps that leave the text as it was: named after the draft they found.
STEP_WORDS = {
    "Submitted": N_("sent for review"),
    "Withdrawn": N_("withdrawn"),
    "AdaptationReported": N_("adapted elsewhere"),
}


@dataclass(frozen=True)
class StepName:
    """How the history page names one step: ``label`` heads a column, ``phrase`` sits in a
    sentence ("What changed from draft 3 to the 1st edition")."""

    label: str
    phrase: str
    detail: str = ""  # "published from draft 4"


def step_names(entries: list[dict[str, Any]]) -> dict[int, StepName]:
    """Each version in an artifact's history, named as the history page names it."""
    names: dict[int, StepName] = {}
    draft: int | None = None
    for entry in sorted(entries, key=lambda e: int(e["version"])):
        version, kind = int(entry["version"]), str(entry["type"])
        if kind == "Published":
            edition = gettext("%(nth)s edition") % {"nth": _nth(int(entry.get("edition") or 1))}
            detail = (
                gettext("published from draft %(version)s") % {"version": entry["draft"]}
                if entry.get("draft")
                else ""
            )
            the = gettext("the %(edition)s") % {"edition": edition}
            names[version] = StepName(edition[0].upper() + edition[1:], the, detail)
        elif kind in DRAFT_EVENTS:
            draft = version
            names[version] = _draft(version)
        else:
            words = gettext(STEP_WORDS[kind]) if kind in STEP_WORDS else kind.lower()
            text = (
                gettext("draft %(version)s, %(step)s") % {"version": draft, "step": words}
                if draft
                else words
            )
            names[version] = StepName(text[0].upper() + text[1:], text)
    return names


def _nth(number: int) -> str:
    """An ordinal as the page's language writes it: 2nd, 2.ª (a number elsewhere)."""
    lang = current()
    if lang == "en":
        return ordinal(number)
    return f"{number}.ª" if lang == "es" else str(number)


def _draft(version: int) -> StepName:
    return StepName(
        gettext("Draft %(version)s") % {"version": version},
        gettext("draft %(version)s") % {"version": version},
    )


def step_name(names: dict[int, StepName], version: int) -> StepName:
    """A version's name, or "draft N" for one the history does not show."""
    return names.get(version) or _draft(version)


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    segments: list[tuple[str, bool]] = field(default_factory=list)  # (text, changed)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def segments(self) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
        """Both values with the changed words marked (whole values for short ones)."""
        return _word_diff(self.before, self.after)


def describe(name: str, value: Any, labels: dict[str, str], places: dict[str, str]) -> str:
    """A field's value in words."""
    if value is None or value == "" or value == []:
        return gettext("(empty)")
    if name == "terms":
        return "; ".join(labels.get(v, v) for v in value)
    if name == "stage":
        return str(labels.get(value, value))
    if name == "place":
        return str(places.get(value, value))
    if name == "licence":
        return str(LICENCES.get(value, value))
    if name == "contributors":
        return "; ".join(f"{p['name']} ({p['role'].replace('-', ' ')})" for p in value)
    if name == "media":
        return "; ".join(
            f"{m.get('filename')}" + (f" — alt text: {m['alt']}" if m.get("alt") else "")
            for m in value
        )
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def field_changes(
    fields: list[dict[str, Any]], labels: dict[str, str], places: dict[str, str]
) -> list[FieldChange]:
    return [
        FieldChange(
            gettext(FIELD_LABELS[f["field"]]),
            describe(f["field"], f["from"], labels, places),
            describe(f["field"], f["to"], labels, places),
        )
        for f in fields
        if f["field"] in FIELD_LABELS
    ]


def body_lines(unified: list[str]) -> list[DiffLine]:
    """From a unified diff to lines, pairing removed and added lines to mark changed words."""
    lines: list[DiffLine] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if len(removed) == len(added):
            for old, new in zip(removed, added, strict=True):
                before, after = _word_diff(old, new)
                lines.append(DiffLine("removed", before))
                lines.append(DiffLine("added", after))
        else:
            lines.extend(DiffLine("removed", [(text, False)]) for text in removed)
            lines.extend(DiffLine("added", [(text, False)]) for text in added)
        removed.clear()
        added.clear()

    for line in unified:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            flush()
            lines.append(DiffLine("gap"))
        elif line.startswith("-"):
            if added:
                flush()
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            lines.append(DiffLine("same", [(line[1:], False)]))
    flush()
    if lines and lines[0].kind == "gap":
        lines.pop(0)
    return lines


def _word_diff(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    a, b = WORDS.findall(old), WORDS.findall(new)
    before: list[tuple[str, bool]] = []
    after: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            before.append(("".join(a[i1:i2]), False))
            after.append(("".join(b[j1:j2]), False))
        else:
            if i2 > i1:
                before.append(("".join(a[i1:i2]), True))
            if j2 > j1:
                after.append(("".join(b[j1:j2]), True))
    return before, after
