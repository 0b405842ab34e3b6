"""An artifact's history as readable entries, and diffs between two versions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from domain.artifact import Artifact

READER_EVENTS = frozenset({"Published", "Withdrawn"})


def history_entries(events: Iterable[Any], *, full: bool) -> list[dict[str, Any]]:
    """One entry per stored event; readers (``full=False``) see publications only."""
    entries = []
    for domain_event in events:
        name = type(domain_event).__name__
        if not full and name not in READER_EVENTS:
            continue
        entries.append(
            {
                "version": domain_event.originator_version,
                "type": name,
                "by": getattr(domain_event, "by", None),
                "at": domain_event.timestamp,
                "summary": summarise(name, domain_event),
            }
        )
    return entries


def summarise(name: str, domain_event: Any) -> str:
    if name == "Created":
        return f"Drafted a new {domain_event.kind.replace('-', ' ')}"
    if name == "Revised":
        fields = ", ".join(sorted(domain_event.changes)) or "nothing"
        note = f" ({domain_event.note})" if domain_event.note else ""
        return f"Revised {fields}{note}"
    if name == "Submitted":
        return "Submitted for review"
    if name == "Published":
        return f"Published the revision of version {domain_event.source_version}"
    if name == "Withdrawn":
        return f"Withdrawn: {domain_event.reason}"
    if name == "MediaAttached":
        return f"Attached {domain_event.media['kind']} {domain_event.media['filename']}"
    if name == "MediaDetached":
        return "Detached media"
    if name == "MediaDescribed":
        return f"Described media ({', '.join(sorted(domain_event.changes))})"
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
