"""What the publications read model keeps of a publication for its syndication record,
and the parts of it a record shows as they were kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any


def stored_record(
    kind: str,
    version: int,
    content: dict[str, Any],
    published_at: datetime,
    first_published_at: datetime | None,
    adapted_from: dict[str, Any] | None,
    catalogue: dict[str, Any] | None = None,
    persons: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What the publications read model keeps of a public publication for its record.

    The published content as its ``Published`` event recorded it, plus what the
    record adds from the rest of the artifact's history, and ``catalogue``: what it
    shows of the catalogue (its place with the names around it, its terms' labels),
    which the indexer derives again whenever the catalogue changes, and ``persons``:
    the credited name and role of each person the content lists, derived again when
    one of them changes (an erased one is the removed phrase). URLs are not
    kept: they are made when the record is built, so they follow the site's address.
    """
    return {
        "kind": kind,
        "version": version,
        "content": content,
        "published_at": published_at.isoformat(),
        "first_published_at": first_published_at.isoformat() if first_published_at else None,
        "adapted_from": adapted_from,
        "catalogue": catalogue,
        "persons": persons or [],
    }


def kept_labels(
    labels: dict[str, Any], term_url: Callable[[str], str], places_url: str
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """A stored record's term and place labels, with their addresses on this site."""
    terms = [{**term, "url": term_url(term["key"])} for term in labels.get("terms") or []]
    place = labels.get("place")
    return terms, ({**place, "url": f"{places_url}{place['slug']}"} if place else None)


def original_publication(content: dict[str, Any], added_at: datetime | None) -> dict[str, Any]:
    """For work first published elsewhere (``first_published``, a date): that date is
    when it was first published (midnight UTC where a time is needed, as in feeds), and
    when it was first published here is kept as ``added_at``."""
    original = content.get("first_published")
    if not original:
        return {"first_published": None, "added_at": added_at}
    day = date.fromisoformat(str(original))
    return {
        "first_published": day.isoformat(),
        "first_published_at": datetime(day.year, day.month, day.day, tzinfo=UTC),
        "added_at": added_at,
    }
