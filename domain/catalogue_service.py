"""Catalogue commands and queries: frameworks, places, convenings, excursions.

The catalogue is small and read on nearly every request, so the application
keeps it in memory and refreshes it from the notification log: each access
costs one query for catalogue events recorded since the last look.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from domain import policy
from domain.access import Principal, Role
from domain.catalogue import (
    PLACE_KINDS,
    Catalogued,
    Convening,
    Excursion,
    Framework,
    Place,
    event_topic,
    slug_id,
)
from domain.errors import Conflict, InvalidInput, NotFound, VersionConflict
from domain.values import check_slug
from domain.views import convening_view, excursion_view, framework_view, place_view

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from domain.application import Archive, CommandResult

C = TypeVar("C", bound=Catalogued)

RECHECK_SECONDS = 0.25

CATALOGUE_TOPICS = [
    event_topic(Place, "Registered"),
    event_topic(Framework, "Defined"),
    event_topic(Convening, "Scheduled"),
    event_topic(Excursion, "Planned"),
    event_topic(Catalogued, "Updated"),
]


class CatalogueCache:
    """Every catalogue record, kept current by reading new catalogue events."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.position = 0
        self.records: dict[UUID, Catalogued] = {}
        self.sorted: dict[type[Catalogued], list[Catalogued]] = {}  # per class, until a change
        self.lock = threading.Lock()
        self.checked_at = -1.0

    def invalidate(self) -> None:
        """Look at the log again on the next access (after this process changed the catalogue)."""
        self.checked_at = -1.0

    def refresh(self, *, force: bool = False) -> None:
        """Read catalogue events recorded since the last look.

        Other processes' changes are looked for at most every ``RECHECK_SECONDS``
        (a lookup that misses always looks again), which keeps busy loops such as
        an OAI-PMH harvest from asking the database for the head at every step.
        """
        now = time.monotonic()
        if not force and 0 <= now - self.checked_at < RECHECK_SECONDS:
            return
        self.checked_at = now
        with self.lock:
            # Read only the part of the log not yet looked at, up to the head as it is now;
            # remembering the head (not the last catalogue event) keeps each refresh small.
            head = self.archive.recorder.max_notification_id() or 0
            while self.position < head:
                batch = self.archive.recorder.select_notifications(
                    self.position + 1, 1000, stop=head, topics=CATALOGUE_TOPICS
                )
                for notification in batch:
                    record_id = UUID(str(notification.originator_id))
                    record: Any = self.archive.repository.get(record_id)
                    assert isinstance(record, Catalogued)
                    self.records[record_id] = record
                    self.sorted.clear()
                if len(batch) < 1000:
                    self.position = head
                else:
                    self.position = batch[-1].id

    def of(self, cls: type[C]) -> list[C]:
        self.refresh()
        found = self.sorted.get(cls)
        if found is None:
            found = sorted(
                (r for r in self.records.values() if isinstance(r, cls)), key=lambda r: r.slug
            )
            self.sorted[cls] = found
        return list(found)  # type: ignore[arg-type]

    def get_place_record(self, slug: str) -> Place | None:
        return self.get(Place, "places", slug)

    def get(self, cls: type[C], namespace: str, slug: str) -> C | None:
        self.refresh()
        record = self.records.get(slug_id(namespace, slug))
        if record is None:
            self.refresh(force=True)
            record = self.records.get(slug_id(namespace, slug))
        return record if isinstance(record, cls) else None


class CatalogueService:
    """Mixed into the Archive application."""

    catalogue: CatalogueCache

    if TYPE_CHECKING:

        def _save(self, *aggregates: Aggregate) -> int | None: ...
        def _result(self, aggregate: Aggregate, position: int | None) -> CommandResult: ...

    # -- frameworks ----------------------------------------------------------

    def frameworks(self) -> list[Framework]:
        return self.catalogue.of(Framework)

    def list_frameworks(self) -> list[dict[str, Any]]:
        return [framework_view(f) for f in self.frameworks()]

    def get_framework(self, slug: str) -> dict[str, Any]:
        return framework_view(self._required(Framework, "frameworks", slug))

    def define_framework(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        """Add a framework, or replace the terms of an existing one."""
        policy.require_role(principal, Role.EDITOR, "manage frameworks")
        slug = check_slug(data["id"], "Framework id")
        fields = _framework_fields(data)
        existing = self.catalogue.get(Framework, "frameworks", slug)
        if existing is None:
            record = Framework(slug=slug, by=str(principal.id), **fields)
        else:
            changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            if not changes:
                return self._result(existing, None)
            record = existing
            record.update(changes=changes, by=str(principal.id))
        return self._result(record, self._save(record))

    # -- places --------------------------------------------------------------

    def list_places(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [place_view(p) for p in self.catalogue.of(Place) if kind in (None, p.kind)]

    def get_place(self, slug: str) -> dict[str, Any]:
        place = self._required(Place, "places", slug)
        view = place_view(place)
        view["ancestors"] = [place_view(p) for p in self.place_ancestors(slug)]
        view["children"] = [place_view(p) for p in self.catalogue.of(Place) if p.parent == slug]
        return view

    def place_ancestors(self, slug: str) -> list[Place]:
        """From the outermost place down to (not including) ``slug``."""
        chain: list[Place] = []
        place = self.catalogue.get(Place, "places", slug)
        while place is not None and place.parent and len(chain) < 32:
            place = self.catalogue.get(Place, "places", place.parent)
            if place is not None:
                chain.insert(0, place)
        return chain

    def places_within(self, slug: str) -> set[str]:
        """The place and every place inside it, at any depth."""
        children: dict[str, list[str]] = {}
        for place in self.catalogue.of(Place):
            if place.parent:
                children.setdefault(place.parent, []).append(place.slug)
        found, todo = {slug}, [slug]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def register_place(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage places")
        slug = check_slug(data["slug"], "Place slug")
        if self.catalogue.get(Place, "places", slug) is not None:
            raise Conflict(f"A place {slug!r} already exists; update it instead.")
        fields = self._place_fields(data, slug)
        record = Place(slug=slug, by=str(principal.id), **fields)
        return self._result(record, self._save(record))

    def update_place(
        self, principal: Principal, slug: str, changes: dict[str, Any]
    ) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage places")
        record = self._required(Place, "places", slug)
        merged = {**place_view(record), **changes}
        fields = self._place_fields(merged, slug)
        effective = {k: v for k, v in fields.items() if getattr(record, k) != v}
        if not effective:
            return self._result(record, None)
        record.update(changes=effective, by=str(principal.id))
        return self._result(record, self._save(record))

    def _place_fields(self, data: dict[str, Any], slug: str) -> dict[str, Any]:
        kind = data.get("kind")
        if kind not in PLACE_KINDS:
            raise InvalidInput(
                f"Place kind {kind!r} is not one of: {', '.join(PLACE_KINDS)}.", field="kind"
            )
        parent = data.get("parent")
        if parent is not None:
            if self.catalogue.get(Place, "places", parent) is None:
                raise InvalidInput(f"Unknown parent place {parent!r}.", field="parent")
            if slug in {p.slug for p in self.place_ancestors(parent)} | {parent}:
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

    # -- convenings and excursions ------------------------------------------

    def list_convenings(self) -> list[dict[str, Any]]:
        return [convening_view(c) for c in self.catalogue.of(Convening)]

    def get_convening(self, slug: str) -> dict[str, Any]:
        view = convening_view(self._required(Convening, "convenings", slug))
        view["excursions"] = self.list_excursions(convening=slug)
        return view

    def schedule_convening(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage convenings")
        slug = check_slug(data["slug"], "Convening slug")
        if self.catalogue.get(Convening, "convenings", slug) is not None:
            raise Conflict(f"A convening {slug!r} already exists.")
        fields = self._convening_fields(data)
        record = Convening(slug=slug, by=str(principal.id), **fields)
        return self._result(record, self._save(record))

    def update_convening(
        self,
        principal: Principal,
        slug: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Change a convening's title, place, dates, question or summary (editors)."""
        policy.require_role(principal, Role.EDITOR, "manage convenings")
        record = self._required(Convening, "convenings", slug)
        _check_version(record, expected_version)
        fields = self._convening_fields({**convening_view(record), **data})
        return self._revise(record, fields, principal)

    def _convening_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        self._required_reference(Place, "places", data.get("place") or "", "place")
        starts = _iso_date(data.get("starts"), "starts", required=True)
        ends = _iso_date(data.get("ends"), "ends", required=True)
        if ends is not None and starts is not None and ends < starts:
            raise InvalidInput("A convening cannot end before it starts.", field="ends")
        return {
            "title": _required_text(data.get("title"), "title", "A convening needs a title."),
            "place": data["place"],
            "starts": starts,
            "ends": ends,
            "question": str(data.get("question") or ""),
            "summary": str(data.get("summary") or ""),
        }

    def list_excursions(self, convening: str | None = None) -> list[dict[str, Any]]:
        return [
            excursion_view(e)
            for e in self.catalogue.of(Excursion)
            if convening in (None, e.convening)
        ]

    def get_excursion(self, slug: str) -> dict[str, Any]:
        return excursion_view(self._required(Excursion, "excursions", slug))

    def plan_excursion(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage excursions")
        slug = check_slug(data["slug"], "Excursion slug")
        if self.catalogue.get(Excursion, "excursions", slug) is not None:
            raise Conflict(f"An excursion {slug!r} already exists.")
        fields = self._excursion_fields(data)
        record = Excursion(slug=slug, by=str(principal.id), **fields)
        return self._result(record, self._save(record))

    def update_excursion(
        self,
        principal: Principal,
        slug: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Change an excursion: its convening, title, host, question, date or leaders (editors)."""
        policy.require_role(principal, Role.EDITOR, "manage excursions")
        record = self._required(Excursion, "excursions", slug)
        _check_version(record, expected_version)
        fields = self._excursion_fields({**excursion_view(record), **data})
        return self._revise(record, fields, principal)

    def _excursion_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        convening = data.get("convening") or ""
        self._required_reference(Convening, "convenings", convening, "convening")
        self._required_reference(Place, "places", data.get("host_place") or "", "host_place")
        return {
            "convening": convening,
            "title": _required_text(data.get("title"), "title", "An excursion needs a title."),
            "host_place": data["host_place"],
            "big_question": str(data.get("big_question") or ""),
            "date": _iso_date(data.get("date"), "date", required=False),
            "leaders": [dict(leader) for leader in data.get("leaders") or []],
        }

    # -- helpers -------------------------------------------------------------

    def _required(self, cls: type[C], namespace: str, slug: str) -> C:
        record = self.catalogue.get(cls, namespace, slug)
        if record is None:
            raise NotFound(f"No {cls.__name__.lower()} {slug!r}; see /api/v1/{namespace}.")
        return record

    def _required_reference(self, cls: type[C], namespace: str, slug: str, field: str) -> None:
        if self.catalogue.get(cls, namespace, slug) is None:
            raise InvalidInput(f"Unknown {field.replace('_', ' ')} {slug!r}.", field=field)

    def _revise(self, record: C, fields: dict[str, Any], principal: Principal) -> CommandResult:
        """Record the fields that differ from ``record`` as one update (nothing if none do)."""
        changes = {k: v for k, v in fields.items() if getattr(record, k) != v}
        if not changes:
            return self._result(record, None)
        record.update(changes=changes, by=str(principal.id))
        return self._result(record, self._save(record))


def _check_version(record: Catalogued, expected: int | None) -> None:
    if expected is not None and expected != record.version:
        raise VersionConflict(
            f"You edited version {expected} of {record.slug!r}, but it is now at version "
            f"{record.version}. Reload it, reapply your change and try again.",
            current_version=record.version,
        )


def _required_text(value: Any, field: str, message: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text


def _iso_date(value: Any, field: str, *, required: bool) -> str | None:
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


def _framework_fields(data: dict[str, Any]) -> dict[str, Any]:
    terms = [
        {
            "id": check_slug(t["id"], "Term id"),
            "label": t["label"],
            "description": t.get("description", ""),
            "parent": t.get("parent"),
        }
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
        for s in data.get("stages", [])
    ]
    return {
        "name": data["name"],
        "description": data.get("description", ""),
        "source": data.get("source", ""),
        "terms": terms,
        "stages": stages,
    }
