"""Which pages show demo material, so that they can say it is fictional.

The demo data flags its invented places (``"fictional": true``) and carries the
notice to show. A place counts only while it still has the demo's slug and name,
so a site that registers a real school under the same slug is not labelled; an
artifact counts when the demo loader created it (its id derives from the demo's
idempotency key) or when it is set in a fictional place.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import uuid5

from domain.application import Archive
from domain.content import IDEMPOTENCY_NAMESPACE
from infra.demo import DEMO_PARTNER, demo_data


@cache
def notice() -> str:
    return str(demo_data()["notice"])


@cache
def fictional_places() -> dict[str, str]:
    """Slug → name of every place the demo invented."""
    return {p["slug"]: p["name"] for p in demo_data()["places"] if p.get("fictional")}


@cache
def demo_artifact_ids() -> frozenset[str]:
    keys = (spec["key"] for spec in demo_data()["artifacts"])
    return frozenset(
        str(uuid5(IDEMPOTENCY_NAMESPACE, f"{DEMO_PARTNER.id}\ndemo:{key}")) for key in keys
    )


def is_fictional_place(archive: Archive, slug: str | None) -> bool:
    """The place, or a place it is inside, is one the demo invented."""
    if not slug:
        return False
    invented = fictional_places()
    chain = [*archive.catalogue.place_ancestors(slug)]
    record = archive.catalogue.get_place_record(slug)
    if record is not None:
        chain.append(record)
    return any(invented.get(place.slug) == place.name for place in chain)


def place_notice(archive: Archive, slug: str) -> str | None:
    return notice() if is_fictional_place(archive, slug) else None


def artifact_notice(archive: Archive, view: dict[str, Any]) -> str | None:
    if str(view.get("id")) in demo_artifact_ids() or is_fictional_place(archive, view.get("place")):
        return notice()
    return None
