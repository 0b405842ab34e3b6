"""Catalogue commands and queries: frameworks, places, convenings, excursions.

The records come from ``CatalogueCache`` (kept current from the log); the rules for
their fields are in ``catalogue_fields``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from eventsourcing.domain import Aggregate

from domain import policy
from domain.access import Principal, Role
from domain.catalogue import Catalogued, Convening, Excursion, Framework, Place
from domain.catalogue_cache import CatalogueCache
from domain.catalogue_fields import (
    check_version,
    convening_fields,
    excursion_fields,
    framework_fields,
    place_fields,
)
from domain.errors import Conflict
from domain.results import CommandResult, result_of
from domain.store import Store
from domain.values import check_slug
from domain.views import convening_view, excursion_view, framework_view, place_view

C = TypeVar("C", bound=Catalogued)


class Catalogue:
    """The catalogue's commands and queries, over the store and the cached records."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.records = CatalogueCache(store)

    def saved(self, aggregates: Sequence[Aggregate]) -> None:
        """Told of every save: after a catalogue change, the next read looks at the log."""
        if any(isinstance(a, Catalogued) for a in aggregates):
            self.records.invalidate()

    # -- the records ---------------------------------------------------------

    def of(self, cls: type[C]) -> list[C]:
        """Every record of a class, by slug."""
        return self.records.of(cls)

    def get(self, cls: type[C], namespace: str, slug: str) -> C | None:
        """The record of class ``cls`` with this slug, if there is one."""
        return self.records.get(cls, namespace, slug)

    def get_place_record(self, slug: str) -> Place | None:
        return self.records.get_place_record(slug)

    def place_ancestors(self, slug: str) -> list[Place]:
        """From the outermost place down to (not including) ``slug``."""
        return self.records.place_ancestors(slug)

    def places_within(self, slug: str) -> set[str]:
        """The place and every place inside it, at any depth."""
        return self.records.places_within(slug)

    # -- frameworks ----------------------------------------------------------

    def frameworks(self) -> list[Framework]:
        return self.records.of(Framework)

    def list_frameworks(self) -> list[dict[str, Any]]:
        return [framework_view(f) for f in self.frameworks()]

    def get_framework(self, slug: str) -> dict[str, Any]:
        return framework_view(self.records.required(Framework, "frameworks", slug))

    def define_framework(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        """Add a framework, or replace the terms of an existing one."""
        policy.require_role(principal, Role.EDITOR, "manage frameworks")
        slug = check_slug(data["id"], "Framework id")
        fields = framework_fields(data)
        existing = self.records.get(Framework, "frameworks", slug)
        if existing is None:
            record = Framework(slug=slug, by=str(principal.id), **fields)
        else:
            changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            if not changes:
                return result_of(existing, None)
            record = existing
            record.update(changes=changes, by=str(principal.id))
        return result_of(record, self.store.save(record))

    # -- places --------------------------------------------------------------

    def list_places(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [place_view(p) for p in self.records.of(Place) if kind in (None, p.kind)]

    def get_place(self, slug: str) -> dict[str, Any]:
        place = self.records.required(Place, "places", slug)
        view = place_view(place)
        view["ancestors"] = [place_view(p) for p in self.place_ancestors(slug)]
        view["children"] = [place_view(p) for p in self.records.of(Place) if p.parent == slug]
        return view

    def register_place(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage places")
        slug = check_slug(data["slug"], "Place slug")
        if self.records.get(Place, "places", slug) is not None:
            raise Conflict(f"A place {slug!r} already exists; update it instead.")
        fields = place_fields(self.records, data, slug)
        record = Place(slug=slug, by=str(principal.id), **fields)
        return result_of(record, self.store.save(record))

    def update_place(
        self, principal: Principal, slug: str, changes: dict[str, Any]
    ) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage places")
        record = self.records.required(Place, "places", slug)
        merged = {**place_view(record), **changes}
        return self._revise(record, place_fields(self.records, merged, slug), principal)

    # -- convenings and excursions ------------------------------------------

    def list_convenings(self) -> list[dict[str, Any]]:
        return [convening_view(c) for c in self.records.of(Convening)]

    def get_convening(self, slug: str) -> dict[str, Any]:
        view = convening_view(self.records.required(Convening, "convenings", slug))
        view["excursions"] = self.list_excursions(convening=slug)
        return view

    def schedule_convening(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage convenings")
        slug = check_slug(data["slug"], "Convening slug")
        if self.records.get(Convening, "convenings", slug) is not None:
            raise Conflict(f"A convening {slug!r} already exists.")
        fields = convening_fields(self.records, data)
        record = Convening(slug=slug, by=str(principal.id), **fields)
        return result_of(record, self.store.save(record))

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
        record = self.records.required(Convening, "convenings", slug)
        check_version(record, expected_version)
        fields = convening_fields(self.records, {**convening_view(record), **data})
        return self._revise(record, fields, principal)

    def list_excursions(self, convening: str | None = None) -> list[dict[str, Any]]:
        return [
            excursion_view(e)
            for e in self.records.of(Excursion)
            if convening in (None, e.convening)
        ]

    def get_excursion(self, slug: str) -> dict[str, Any]:
        return excursion_view(self.records.required(Excursion, "excursions", slug))

    def plan_excursion(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        policy.require_role(principal, Role.EDITOR, "manage excursions")
        slug = check_slug(data["slug"], "Excursion slug")
        if self.records.get(Excursion, "excursions", slug) is not None:
            raise Conflict(f"An excursion {slug!r} already exists.")
        fields = excursion_fields(self.records, data)
        record = Excursion(slug=slug, by=str(principal.id), **fields)
        return result_of(record, self.store.save(record))

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
        record = self.records.required(Excursion, "excursions", slug)
        check_version(record, expected_version)
        fields = excursion_fields(self.records, {**excursion_view(record), **data})
        return self._revise(record, fields, principal)

    def _revise(self, record: C, fields: dict[str, Any], principal: Principal) -> CommandResult:
        """Record the fields that differ from ``record`` as one update (nothing if none do)."""
        changes = {k: v for k, v in fields.items() if getattr(record, k) != v}
        if not changes:
            return result_of(record, None)
        record.update(changes=changes, by=str(principal.id))
        return result_of(record, self.store.save(record))
