"""What a syndication record shows of the catalogue, from the view's own catalogue.

The publications read model keeps, with each public record, the names of its
place and of the places around it, its coordinates, and the labels of its
terms, as the catalogue events before it left them; its OAI sets name the place
and every place around it. When a catalogue event changes any of that, the rows
that show it are derived again with a :class:`Labeller` over the catalogue as
it was right after that event. It keeps the credited names of the persons the
record lists too, derived again when a person changes (with the persons as the
view has folded them, which is never older than the change).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.indexer.catalogue import CatalogueState
from services.indexer.persons import PersonsFold, person_ref, persons_of


def snapshot(state: CatalogueState) -> CatalogueState:
    """A copy that later catalogue events leave alone (its entries are immutable)."""
    return replace(state, places=dict(state.places), terms=dict(state.terms))


class Labeller:
    def __init__(self, catalogue: CatalogueState, persons: PersonsFold | None = None) -> None:
        self.catalogue = catalogue
        self.persons = persons

    def credited(self, content: dict[str, Any]) -> list[dict[str, str]]:
        """The persons the content lists, by credited name and role."""
        return self.persons.credited(content) if self.persons is not None else []

    def labels(self, content: dict[str, Any]) -> dict[str, Any]:
        """The catalogue labels a record shows: its place (with the path) and its terms."""
        chain = self.catalogue.place_chain(content.get("place"))
        place = None
        if chain:
            own = chain[-1]
            place = {
                "slug": own.slug,
                "name": own.name,
                "kind": own.kind,
                "lat": own.lat,
                "lon": own.lon,
                "path": [p.name for p in chain],
            }
        terms = [
            {
                "key": term.key,
                "framework": term.framework,
                "framework_name": term.framework_name,
                "label": term.label,
                "description": term.description,
            }
            for term in (self.catalogue.terms.get(k) for k in content.get("terms") or [])
            if term is not None
        ]
        return {"place": place, "terms": terms}

    def sets(self, kind: str, content: dict[str, Any]) -> tuple[str, ...]:
        """OAI sets: the kind, the language, each principle of practice, and the place with
        all around it."""
        specs = [f"kind:{kind}", f"language:{content.get('language') or 'en'}"]
        specs += [
            f"principle:{term.split(':', 1)[1]}"
            for term in content.get("terms") or []
            if term.startswith("principles:")
        ]
        place = content.get("place")
        if place:
            chain = [p.slug for p in self.catalogue.place_chain(place)[:-1]] + [place]
            specs += [f"place:{slug}" for slug in chain]
        return tuple(dict.fromkeys(specs))

    def refs(self, content: dict[str, Any]) -> tuple[str, ...]:
        """What finds the row when the catalogue changes: every place around it, its terms."""
        chain = [p.slug for p in self.catalogue.place_chain(content.get("place"))]
        own = [content["place"]] if content.get("place") else []
        places = [f"place:{slug}" for slug in dict.fromkeys(chain + own)]
        persons = [person_ref(str(p.get("person_id"))) for p in persons_of(content)]
        return tuple(places + [f"term:{term}" for term in content.get("terms") or []] + persons)

    def derive(
        self, kind: str, record: dict[str, Any]
    ) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
        """A stored record's labels, persons, sets and references, derived again."""
        content = record.get("content") or {}
        labelled = {**record, "catalogue": self.labels(content)}
        if self.persons is not None:
            labelled["persons"] = self.credited(content)
        return labelled, self.sets(kind, content), self.refs(content)
