"""An artifact's history as readable entries, and diffs between two versions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from domain.artifact import Artifact

READER_EVENTS = frozenset({"Published", "Withdrawn"})
# Events that change what a draft says: each makes a new draft, numbered by its version.
DRAFT_EVENTS = frozenset(
    {"Created", "Revised", "MediaAttached", "MediaDetached", "MediaDescribed", "AdaptedFrom"}
)


def history_entries(events: Iterable[Any], *, full: bool) -> list[dict[str, Any]]:
    """One entry per stored event; readers (``full=False``) see publications only.

    A publication also says which edition it is (1, 2, …), which draft it published
    (the version of the last change to the text at or before the published revision),
    the editor's note, and the notes of the revisions it brought in.
    """
    entries = []
    notes: dict[int, str] = {}
    drafts: list[int] = []
    editions = 0
    published_up_to = 0
    for domain_event in events:
        name = type(domain_event).__name__
        extra: dict[str, Any] = {}
        if name in DRAFT_EVENTS:
            drafts.append(domain_event.originator_version)
        if name == "Revised" and domain_event.note:
            notes[domain_event.originator_version] = domain_event.note
        if name == "Published":
            editions += 1
            source = domain_event.source_version
            extra = {
                "edition": editions,
                "source_version": source,
                "draft": max((v for v in drafts if v <= source), default=source),
                "note": getattr(domain_event, "note", "") or "",
                "revision_notes": [
                    note for v, note in sorted(notes.items()) if published_up_to < v <= source
                ],
            }
            published_up_to = max(published_up_to, source)
        if not full and name not in READER_EVENTS:
            continue
        entries.append(
            {
                "version": domain_event.originator_version,
                "type": name,
                "by": getattr(domain_event, "by", None),
                "at": domain_event.timestamp,
                "summary": summarise(name, domain_event, extra),
                **extra,
            }
        )
    return entries


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def summarise(name: str, domain_event: Any, extra: dict[str, Any] | None = None) -> str:
    if name == "Created":
        return f"Drafted a new {domain_event.kind.replace('-', ' ')}"
    if name == "Revised":
        fields = ", ".join(sorted(domain_event.changes)) or "nothing"
        note = f" ({domain_event.note})" if domain_event.note else ""
        return f"Revised {fields}{note}"
    if name == "Submitted":
        return "Submitted for review"
    if name == "Published":
        found = extra or {}
        edition = ordinal(found.get("edition", 1))
        return f"Published the {edition} edition, from draft {found.get('draft', '?')}"
    if name == "Withdrawn":
        return f"Withdrawn: {domain_event.reason}"
    if name == "MediaAttached":
        return f"Attached {domain_event.media['kind']} {domain_event.media['filename']}"
    if name == "MediaDetached":
        return "Detached media"
    if name == "MediaDescribed":
        return f"Described media ({', '.join(sorted(domain_event.changes))})"
    if name == "Returned":  # the comments themselves show in the review conversation
        return f"Returned with {len(domain_event.comments)} comment(s)"
    if name == "CommentAnswered":
        return "Answered a review comment"
    return name


def content_diff(
    before: dict[str, Any], after: dict[str, Any], from_version: int, to_version: int
) -> dict[str, Any]:
    """Field-by-field changes and a unified line diff of the Markdown body."""
    changes = [
        {"field": name, "from": before.get(name), "to": after.get(name)}
        for name in sorted(set(before) | set(after))
        if name != "body" and before.get(name) != after.get(name)
    ]
    body_before = (before.get("body") or "").splitlines()
    body_after = (after.get("body") or "").splitlines()
    body_diff = list(
        difflib.unified_diff(
            body_before,
            body_after,
            fromfile=f"version {from_version}",
            tofile=f"version {to_version}",
            lineterm="",
        )
    )
    return {
        "from": from_version,
        "to": to_version,
        "fields": changes,
        "body_changed": body_before != body_after,
        "body_diff": body_diff,
    }


def content_at(artifact: Artifact, *, draft: bool) -> dict[str, Any] | None:
    if draft:
        return dict(artifact.content)
    if artifact.published is None:
        return None
    return dict(artifact.published["content"])
