"""Reference aggregates: places, frameworks, convenings and excursions.

Each is identified by a slug (``tucson``, ``principles``) from which its UUID
is derived, so other records can point at it by a readable name.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

PLACE_KINDS = ("country", "region", "city", "district", "trust", "school", "organisation")


def event_topic(aggregate_class: type[Aggregate], event_name: str) -> str:
    """The stored topic of an event class that ``@event`` made on an aggregate."""
    return f"{get_topic(aggregate_class)}.{event_name}"


def slug_id(namespace: str, slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"https://commonplace.invalid/{namespace}/{slug}")


class Catalogued(Aggregate):
    """A record edited by editors with whole-field updates."""

    id: UUID
    slug: str

    @event("Updated")
    def update(self, changes: dict[str, Any], by: str) -> None:
        for name, value in changes.items():
            setattr(self, name, value)


class Place(Catalogued):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return slug_id("places", slug)

    @event("Registered")
    def __init__(
        self,
        slug: str,
        name: str,
        kind: str,
        parent: str | None,
        lat: float | None,
        lon: float | None,
        identifiers: dict[str, str],
        by: str,
    ) -> None:
        self.slug = slug
        self.name = name
        self.kind = kind
        self.parent = parent
        self.lat = lat
        self.lon = lon
        self.identifiers = identifiers


class Framework(Catalogued):
    """A vocabulary: terms (optionally nested under a parent term) and ordered stages."""

    @staticmethod
    def create_id(slug: str) -> UUID:
        return slug_id("frameworks", slug)

    @event("Defined")
    def __init__(
        self,
        slug: str,
        name: str,
        description: str,
        source: str,
        terms: list[dict[str, Any]],
        stages: list[dict[str, Any]],
        by: str,
    ) -> None:
        self.slug = slug
        self.name = name
        self.description = description
        self.source = source
        self.terms = terms
        self.stages = stages

    def term_ids(self) -> list[str]:
        return [term["id"] for term in self.terms]

    def stage_ids(self) -> list[str]:
        return [stage["id"] for stage in self.stages]


class Convening(Catalogued):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return slug_id("convenings", slug)

    @event("Scheduled")
    def __init__(
        self,
        slug: str,
        title: str,
        place: str,
        starts: str,
        ends: str,
        question: str,
        summary: str,
        by: str,
    ) -> None:
        self.slug = slug
        self.title = title
        self.place = place
        self.starts = starts
        self.ends = ends
        self.question = question
        self.summary = summary


class Excursion(Catalogued):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return slug_id("excursions", slug)

    @event("Planned")
    def __init__(
        self,
        slug: str,
        convening: str,
        title: str,
        host_place: str,
        big_question: str,
        date: str | None,
        leaders: list[dict[str, str]],
        by: str,
    ) -> None:
        self.slug = slug
        self.convening = convening
        self.title = title
        self.host_place = host_place
        self.big_question = big_question
        self.date = date
        self.leaders = leaders
