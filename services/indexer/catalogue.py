"""The catalogue as the indexer's views see it: a fold of the catalogue events.

A view that shows place names, place paths, coordinates or framework terms keeps
its own :class:`CatalogueState`, made only from the catalogue events it has
read (one handler per event type), so what it derives is a function of the log
and never of the write side's current catalogue. Each handler says which
references its event touched (:class:`Touched`), so that the view can derive
again whatever shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from domain import place_tree
from domain.catalogue import Catalogued, Convening, Excursion, Framework, Place, event_topic


@dataclass(frozen=True)
class PlaceEntry:
    slug: str
    name: str
    kind: str
    parent: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class TermEntry:
    key: str  # framework:term
    framework: str
    framework_name: str
    label: str
    description: str
    parent: str | None  # the broader term's key
    labels: tuple[tuple[str, str], ...] = ()  # (language, label) in other languages


@dataclass
class Touched:
    """References whose derived values may have changed: place slugs, term keys, and the
    slugs of convenings and excursions."""

    places: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    records: set[str] = field(default_factory=set)  # "convening:<slug>", "excursion:<slug>"

    def __bool__(self) -> bool:
        return bool(self.places or self.terms or self.records)

    def refs(self) -> set[str]:
        places = {f"place:{slug}" for slug in self.places}
        return places | {f"term:{key}" for key in self.terms} | self.records


@dataclass
class CatalogueState:
    places: dict[str, PlaceEntry] = field(default_factory=dict)
    frameworks: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug: its fields
    terms: dict[str, TermEntry] = field(default_factory=dict)
    convenings: dict[str, dict[str, Any]] = field(default_factory=dict)
    excursions: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # each record's id: its slug
    kinds: dict[str, str] = field(default_factory=dict)  # each record's id: "places", …
    parents: set[str] = field(default_factory=set)  # every slug a place ever named as parent

    def place_chain(self, slug: str | None) -> list[PlaceEntry]:
        """From the outermost place down to ``slug`` (empty if there is no such place)."""
        place = self.places.get(slug) if slug else None
        if place is None:
            return []
        return [*place_tree.ancestors(self.places.get, place.slug), place]

    def title(self, kind: str, slug: str | None) -> str | None:
        """The title of a convening or excursion (``kind``: "convenings", "excursions")."""
        found = getattr(self, kind).get(slug) if slug else None
        return found["title"] if found else None

    def within(self, slug: str) -> set[str]:
        """The place and every place inside it, at any depth."""
        return place_tree.within(slug, self.places.values())


Handler = Callable[[CatalogueState, Any], Touched]


def _place_registered(state: CatalogueState, event: Any) -> Touched:
    state.places[event.slug] = PlaceEntry(
        event.slug, event.name, event.kind, event.parent, event.lat, event.lon
    )
    if event.parent:
        state.parents.add(event.parent)
    if event.slug not in state.parents:  # nothing inside it yet: no walk over every place
        return Touched(places={event.slug})
    return Touched(places=state.within(event.slug))


def _place_updated(state: CatalogueState, event: Any) -> Touched:
    slug = _slug(state, state.places, event)
    if slug is None:
        return Touched()
    old = state.places[slug]
    fields = {k: v for k, v in event.changes.items() if k in PlaceEntry.__dataclass_fields__}
    state.places[slug] = PlaceEntry(**{**old.__dict__, **fields})
    if state.places[slug].parent:
        state.parents.add(str(state.places[slug].parent))
    return Touched(places=state.within(slug)) if state.places[slug] != old else Touched()


def _framework_defined(state: CatalogueState, event: Any) -> Touched:
    fields = {"slug": event.slug, "name": event.name, "terms": event.terms}
    return _set_framework(state, event.slug, fields)


def _framework_updated(state: CatalogueState, event: Any) -> Touched:
    slug = _slug(state, state.frameworks, event)
    if slug is None:
        return Touched()
    return _set_framework(state, slug, {**state.frameworks[slug], **event.changes})


def _set_framework(state: CatalogueState, slug: str, fields: dict[str, Any]) -> Touched:
    state.frameworks[slug] = {k: fields[k] for k in ("slug", "name", "terms")}
    old = {k: t for k, t in state.terms.items() if t.framework == slug}
    new = {
        f"{slug}:{term['id']}": TermEntry(
            f"{slug}:{term['id']}",
            slug,
            fields["name"],
            term["label"],
            term.get("description") or "",
            f"{slug}:{term['parent']}" if term.get("parent") else None,
            _other_labels(term),
        )
        for term in fields["terms"]
    }
    for key in old.keys() - new.keys():
        del state.terms[key]
    state.terms.update(new)
    return Touched(terms={k for k in old.keys() | new.keys() if old.get(k) != new.get(k)})


def _other_labels(term: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A term's labels in other languages (a framework's ``labels`` per language)."""
    labels = term.get("labels") or {}
    return tuple(
        sorted((lang, str(v["label"])) for lang, v in labels.items() if (v or {}).get("label"))
    )


def _titled(kind: str) -> tuple[Handler, Handler]:
    ref = kind.removesuffix("s")  # "convening", "excursion"

    def created(state: CatalogueState, event: Any) -> Touched:
        getattr(state, kind)[event.slug] = {"slug": event.slug, "title": event.title}
        return Touched(records={f"{ref}:{event.slug}"})

    def updated(state: CatalogueState, event: Any) -> Touched:
        records = getattr(state, kind)
        slug = _slug(state, records, event)
        title = event.changes.get("title") if slug else None
        if slug is None or title is None or title == records[slug]["title"]:
            return Touched()
        records[slug] = {**records[slug], "title": title}
        return Touched(records={f"{ref}:{slug}"})

    return created, updated


def _slug(state: CatalogueState, records: dict[str, Any], event: Any) -> str | None:
    """The slug of the record an ``Updated`` event changes, if the view met its creation."""
    slug = state.ids.get(str(event.originator_id))
    return slug if slug in records else None


_convening, _convening_updated = _titled("convenings")
_excursion, _excursion_updated = _titled("excursions")
UPDATES: dict[str, Handler] = {
    "places": _place_updated,
    "frameworks": _framework_updated,
    "convenings": _convening_updated,
    "excursions": _excursion_updated,
}


def _updated(state: CatalogueState, event: Any) -> Touched:
    """Every catalogue record's ``Updated`` event is stored under one topic (the base
    class's); the record it changes says which kind of record that is."""
    kind = state.kinds.get(str(event.originator_id))
    return UPDATES[kind](state, event) if kind else Touched()


HANDLERS: dict[str, Handler] = {
    event_topic(Place, "Registered"): _place_registered,
    event_topic(Framework, "Defined"): _framework_defined,
    event_topic(Convening, "Scheduled"): _convening,
    event_topic(Excursion, "Planned"): _excursion,
    event_topic(Catalogued, "Updated"): _updated,
}
CREATED_KINDS = {  # the topic that creates a record: its kind
    event_topic(Place, "Registered"): "places",
    event_topic(Framework, "Defined"): "frameworks",
    event_topic(Convening, "Scheduled"): "convenings",
    event_topic(Excursion, "Planned"): "excursions",
}
TOPICS = tuple(HANDLERS)


class CatalogueProjection:
    """Folds catalogue events into a state, once each, in log order."""

    def __init__(self) -> None:
        self.state = CatalogueState()
        self.position = 0  # every catalogue event up to here is folded in

    def fold(self, topic: str, position: int, event: Any) -> Touched:
        """Apply one catalogue event; nothing if it was folded in already."""
        if position <= self.position:
            return Touched()
        self.position = position
        if topic in CREATED_KINDS:  # a record is created: its later updates name only its id
            self.state.ids[str(event.originator_id)] = event.slug
            self.state.kinds[str(event.originator_id)] = CREATED_KINDS[topic]
        return HANDLERS[topic](self.state, event)

    def catch_up(self, notifications: Iterable[tuple[int, str, Any]], upto: int) -> None:
        for position, topic, event in notifications:
            self.fold(topic, position, event)
        self.position = max(self.position, upto)
