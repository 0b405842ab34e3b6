"""Walking the tree of places by their parents: pure functions shared by the write
side's catalogue cache and the indexer's fold of the catalogue events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

MAX_DEPTH = 32  # no walk up a place's parents goes further (a loop ends it)


class Located(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def parent(self) -> str | None: ...


P = TypeVar("P", bound=Located)


def ancestors(find: Callable[[str], P | None], slug: str) -> list[P]:
    """From the outermost place down to (not including) ``slug``; ``find`` looks up a slug."""
    chain: list[P] = []
    place = find(slug)
    while place is not None and place.parent and len(chain) < MAX_DEPTH:
        place = find(place.parent)
        if place is not None:
            chain.insert(0, place)
    return chain


def within(slug: str, places: Iterable[Located]) -> set[str]:
    """The place and every place inside it, at any depth, among ``places``."""
    children: dict[str, list[str]] = {}
    for place in places:
        if place.parent:
            children.setdefault(place.parent, []).append(place.slug)
    found, to_visit = {slug}, [slug]
    while to_visit:
        for child in children.get(to_visit.pop(), []):
            if child not in found:
                found.add(child)
                to_visit.append(child)
    return found
