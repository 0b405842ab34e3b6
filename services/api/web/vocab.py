"""Frameworks and places shaped for pages: labels, term trees and place trees.

Terms and stages carry labels in other languages as data
(``"labels": {"es": {"label": ..., "description": ...}}``); pages show the label in
the language of the request, and the framework's own label where there is none.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from domain.application import Archive
from domain.catalogue import Place
from domain.vocabularies import seeded_frameworks
from services.api.web import i18n

PRINCIPLES = "principles"


@dataclass
class TermNode:
    framework: str
    id: str
    label: str
    description: str
    parent: str | None
    children: list[TermNode] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.id}"

    @property
    def url(self) -> str:
        return f"/terms/{self.framework}/{self.id}"


@dataclass
class FrameworkTree:
    id: str
    name: str
    description: str
    source: str
    terms: list[TermNode]  # top-level terms, each with its narrower terms
    stages: list[dict[str, Any]]

    def all_terms(self) -> list[TermNode]:
        return [t for top in self.terms for t in (top, *top.children)]


def localized(item: dict[str, Any], lang: str | None = None) -> tuple[str, str]:
    """(label, description) of a term, a stage or a framework in a language."""
    lang = lang or i18n.current()
    own = (item.get("labels") or {}).get(lang) or {}
    label = own.get("label") or item.get("label") or item.get("name") or ""
    description = own.get("description") or item.get("description") or ""
    return str(label), str(description)


@functools.cache
def _seeded_labels() -> dict[str, dict[str, Any]]:
    """The seeded frameworks' own names in other languages, by framework id."""
    return {data["id"]: data.get("labels") or {} for data in seeded_frameworks()}


def framework_text(slug: str, name: str, description: str) -> tuple[str, str]:
    item = {"name": name, "description": description, "labels": _seeded_labels().get(slug)}
    return localized(item)


def framework_trees(archive: Archive) -> list[FrameworkTree]:
    """Every framework, principles first, each with its terms nested under their parents."""
    trees = []
    for framework in archive.catalogue.frameworks():
        nodes = {
            t["id"]: TermNode(framework.slug, t["id"], *localized(t), t.get("parent"))
            for t in framework.terms
        }
        tops: list[TermNode] = []
        for node in nodes.values():
            parent = nodes.get(node.parent or "")
            (parent.children if parent else tops).append(node)
        name, description = framework_text(framework.slug, framework.name, framework.description)
        stages = [
            dict(s, label=localized(s)[0], description=localized(s)[1]) for s in framework.stages
        ]
        trees.append(
            FrameworkTree(framework.slug, name, description, framework.source, tops, stages)
        )
    order = {PRINCIPLES: 0, "conditions": 1, "network-features": 2}
    return sorted(trees, key=lambda f: (order.get(f.id, 9), f.name))


def term_labels(archive: Archive) -> dict[str, str]:
    """Every term's and stage's label, by ``framework:id``, in the page's language."""
    frameworks = archive.catalogue.frameworks()
    return {f"{f.slug}:{t['id']}": localized(t)[0] for f in frameworks for t in f.terms} | {
        f"{f.slug}:{s['id']}": localized(s)[0] for f in frameworks for s in f.stages
    }


@dataclass
class PlaceNode:
    slug: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    depth: int
    parent: str | None

    @property
    def url(self) -> str:
        return f"/places/{self.slug}"


def place_tree(archive: Archive) -> list[PlaceNode]:
    """Every place in reading order: each place followed by the places inside it."""
    places = archive.catalogue.of(Place)
    children: dict[str | None, list[Place]] = {}
    known = {p.slug for p in places}
    for place in places:
        parent = place.parent if place.parent in known else None
        children.setdefault(parent, []).append(place)
    ordered: list[PlaceNode] = []

    def visit(parent: str | None, depth: int) -> None:
        for place in sorted(children.get(parent, []), key=lambda p: p.name):
            ordered.append(
                PlaceNode(place.slug, place.name, place.kind, place.lat, place.lon, depth, parent)
            )
            if depth < 16:
                visit(place.slug, depth + 1)

    visit(None, 0)
    return ordered


def place_names(archive: Archive) -> dict[str, str]:
    return {p.slug: p.name for p in archive.catalogue.of(Place)}


def located(archive: Archive, slug: str | None) -> tuple[float, float] | None:
    """The coordinates of a place, or of the nearest enclosing place that has them."""
    if not slug:
        return None
    chain = [*archive.catalogue.place_ancestors(slug)]
    place = archive.catalogue.get_place_record(slug)
    if place is not None:
        chain.append(place)
    for candidate in reversed(chain):
        if candidate.lat is not None and candidate.lon is not None:
            return candidate.lat, candidate.lon
    return None


def convening_titles(archive: Archive) -> dict[str, str]:
    return {c["slug"]: c["title"] for c in archive.catalogue.list_convenings()}
