"""Catalogue commands and queries: frameworks, places, convenings, excursions.

The records come from ``CatalogueCache`` (kept current from the log); the rules for
their fields are in ``catalogue_fields``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

Fields = Callable[[CatalogueCache, dict[str, Any], str], dict[str, Any]]


@dataclass(frozen=True)
class _Kind:
    """What registering and revising one kind of catalogue record needs to know."""

    cls: type[Catalogued]
    namespace: str
    slug_label: str
    conflict: str  # formatted with ``slug``
    view: Callable[[Any], dict[str, Any]]
    fields: Fields

    @property
    def action(self) -> str:
        return f"manage {self.namespace}"

    def new(self, **fields: Any) -> Catalogued:
        """A new record of this kind (each kind takes its own fields)."""
        create: Callable[..., Catalogued] = self.cls
        return create(**fields)


PLACES = _Kind(
    Place,
    "places",
    "Place slug",
    "A place {slug!r} already exists; update it instead.",
    place_view,
    place_fields,
)
CONVENINGS = _Kind(
    Convening,
    "convenings",
    "Convening slug",
    "A convening {slug!r} already exists.",
    convening_view,
    lambda records, data, _slug: convening_fields(records, data),
)
EXCURSIONS = _Kind(
    Excursion,
    "excursions",
    "Excursion slug",
    "An excursion {slug!r} already exists.",
    excursion_view,
    lambda records, data, _slug: excursion_fields(records, data),
)


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
            return result_of(record, self.store.save(record))
        return self._revise(existing, fields, principal)

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
        return self._register(PLACES, principal, data)

    def check_place_version(self, slug: str, expected: int) -> None:
        """NotFound unless the place exists; VersionConflict unless it is at ``expected``."""
        check_version(self.records.required(Place, "places", slug), expected)

    def update_place(
        self, principal: Principal, slug: str, changes: dict[str, Any]
    ) -> CommandResult:
        return self._update(PLACES, principal, slug, changes)

    # -- convenings and excursions ------------------------------------------

    def list_convenings(self) -> list[dict[str, Any]]:
        return [convening_view(c) for c in self.records.of(Convening)]

    def get_convening(self, slug: str) -> dict[str, Any]:
        view = convening_view(self.records.required(Convening, "convenings", slug))
        view["excursions"] = self.list_excursions(convening=slug)
        return view

    def schedule_convening(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        return self._register(CONVENINGS, principal, data)

    def update_convening(
        self,
        principal: Principal,
        slug: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Change a convening's title, place, dates, question or summary (editors)."""
        return self._update(CONVENINGS, principal, slug, data, expected_version)

    def list_excursions(self, convening: str | None = None) -> list[dict[str, Any]]:
        return [
            excursion_view(e)
            for e in self.records.of(Excursion)
            if convening in (None, e.convening)
        ]

    def get_excursion(self, slug: str) -> dict[str, Any]:
        return excursion_view(self.records.required(Excursion, "excursions", slug))

    def plan_excursion(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        return self._register(EXCURSIONS, principal, data)

    def update_excursion(
        self,
        principal: Principal,
        slug: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Change an excursion: its convening, title, host, question, date or leaders (editors)."""
        return self._update(EXCURSIONS, principal, slug, data, expected_version)

    def _register(self, kind: _Kind, principal: Principal, data: dict[str, Any]) -> CommandResult:
        """Add a new record of ``kind``; its slug must not be taken."""
        policy.require_role(principal, Role.EDITOR, kind.action)
        slug = check_slug(data["slug"], kind.slug_label)
        if self.records.get(kind.cls, kind.namespace, slug) is not None:
            raise Conflict(kind.conflict.format(slug=slug))
        fields = kind.fields(self.records, data, slug)
        record = kind.new(slug=slug, by=str(principal.id), **fields)
        return result_of(record, self.store.save(record))

    def _update(
        self,
        kind: _Kind,
        principal: Principal,
        slug: str,
        data: dict[str, Any],
        expected_version: int | None = None,
    ) -> CommandResult:
        """Apply ``data`` over the record's current fields and record what differs."""
        policy.require_role(principal, Role.EDITOR, kind.action)
        record = self.records.required(kind.cls, kind.namespace, slug)
        check_version(record, expected_version)
        fields = kind.fields(self.records, {**kind.view(record), **data}, slug)
        return self._revise(record, fields, principal)

    def _revise(self, record: C, fields: dict[str, Any], principal: Principal) -> CommandResult:
        """Record the fields that differ from ``record`` as one update (nothing if none do)."""
        changes = {k: v for k, v in fields.items() if getattr(record, k) != v}
        if not changes:
            return result_of(record, None)
        record.update(changes=changes, by=str(principal.id))
        return result_of(record, self.store.save(record))
