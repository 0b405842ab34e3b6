"""The catalogue as the public records of one response see it."""

from __future__ import annotations

from typing import Any

from domain.application import Archive


class Lookups:
    """The catalogue as one response sees it: each place and the terms looked up once.

    Only for records that carry no catalogue labels of their own: a live artifact's
    record built from its aggregate, and rows the publications read model wrote before
    it kept labels. Nothing is read until a record asks."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.places: dict[str, Any] = {}
        self._terms: dict[str, tuple[Any, dict[str, Any]]] | None = None

    def place_record(self, slug: str) -> Any:
        if slug not in self.places:
            self.places[slug] = self.archive.catalogue.get_place_record(slug)
        return self.places[slug]

    def place_chain(self, slug: str) -> list[Any]:
        """From the outermost place down to ``slug`` (empty if there is no such place)."""
        place = self.place_record(slug)
        chain = [place] if place is not None else []
        while place is not None and place.parent and len(chain) <= 32:
            place = self.place_record(place.parent)
            if place is not None:
                chain.insert(0, place)
        return chain

    def terms(self) -> dict[str, tuple[Any, dict[str, Any]]]:
        """``framework:term`` to its framework and term."""
        if self._terms is None:
            self._terms = {
                f"{framework.slug}:{term['id']}": (framework, term)
                for framework in self.archive.catalogue.frameworks()
                for term in framework.terms
            }
        return self._terms
