"""From a published artifact to the search document both backends store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.artifact import PUBLISHED, Artifact
from infra.markdown import plain_text
from services.indexer.catalogue import CatalogueState
from services.indexer.persons import PersonsFold, persons_of

__all__ = ["DocumentBuilder", "media_summary", "plain_text"]

# Ends the body's own text in a search document; the names of its terms in other
# languages follow (U+2063 INVISIBLE SEPARATOR: no word character, never shown).
LABELS_MARK = "\n\n\u2063"


class DocumentBuilder:
    """Builds documents with the catalogue and the persons as the view's own folds have them."""

    def __init__(self, catalogue: CatalogueState, persons: PersonsFold) -> None:
        self.catalogue = catalogue
        self.persons = persons

    def build(self, artifact: Artifact) -> dict[str, Any] | None:
        """The document for the published version, or None if nothing is readable."""
        if artifact.status != PUBLISHED or artifact.published is None:
            return None
        published = artifact.published
        return self.from_publication(
            str(artifact.id),
            artifact.kind,
            published["content"],
            published["at"],
            artifact.version,
        )

    def from_publication(
        self,
        artifact_id: str,
        kind: str,
        content: dict[str, Any],
        published_at: datetime,
        version: int,
    ) -> dict[str, Any]:
        """The document for one publication, as recorded in its ``Published`` event."""
        year = _year(content.get("date")) or published_at.year
        document = {
            "id": artifact_id,
            "kind": kind,
            "title": content.get("title") or "",
            "summary": content.get("summary") or "",
            "body": plain_text(content.get("body") or ""),
            "language": content.get("language") or "en",
            "licence": content.get("licence"),
            "members_only": content.get("visibility") == "members",
            "terms": list(content.get("terms") or []),
            "stage": content.get("stage"),
            "place": content.get("place"),
            "contributors": [c["name"] for c in content.get("contributors") or []],
            # Each listed person by id and role; ``relabel`` adds the credited name.
            "persons": [
                {"person_id": str(p.get("person_id")), "role": str(p.get("role") or "")}
                for p in persons_of(content)
            ],
            "themes": list(content.get("themes") or []),
            "convening": content.get("convening"),
            "excursion": content.get("excursion"),
            "date": content.get("date"),
            "year": year,
            "published_at": published_at.timestamp(),
            "version": version,
            "media": [media_summary(m) for m in content.get("media") or []],
        }
        return self.relabel(document)

    def relabel(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document with what it shows of the catalogue and of its persons derived again."""
        places = self.catalogue.place_chain(document.get("place"))
        terms = document["terms"]
        broader = [self.catalogue.terms[t].parent for t in terms if t in self.catalogue.terms]
        located = next((p for p in reversed(places) if p.lat is not None), None)
        derived = {
            "body": self.with_term_labels(document["body"], terms),
            "term_filter": list(dict.fromkeys(terms + [b for b in broader if b])),
            "place_path": [p.slug for p in places],
            "place_names": [p.name for p in places],
            "_geo": {"lat": located.lat, "lng": located.lon} if located else None,
            "convening_title": self.catalogue.title("convenings", document.get("convening")),
            "excursion_title": self.catalogue.title("excursions", document.get("excursion")),
            "persons": self.credited(document.get("persons") or []),
        }
        return {**document, **derived}

    def with_term_labels(self, body: str, terms: list[str]) -> str:
        """The body's own text, then its terms' names in other languages (the Spanish
        names of the principles among them), so that searching for one finds it."""
        own = body.partition(LABELS_MARK)[0]
        entries = [self.catalogue.terms[t] for t in terms if t in self.catalogue.terms]
        labels = [label for entry in entries for _, label in entry.labels]
        return f"{own}{LABELS_MARK}{' · '.join(labels)}" if labels else own

    def credited(self, persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each listed person with their credited name (None for one the fold never met)."""
        return [
            {
                "person_id": listed["person_id"],
                "role": listed["role"],
                "name": self.persons.name(listed["person_id"]),
            }
            for listed in persons
        ]


def media_summary(media: dict[str, Any]) -> dict[str, Any]:
    """What a search result shows of attached media: where it is and how it is described."""
    base = f"/media/{media['id']}"
    thumbnail = f"{base}/320" if "320" in (media.get("variants") or {}) else None
    if media.get("kind") == "image" and thumbnail is None:
        thumbnail = base
    return {
        "id": media["id"],
        "kind": media.get("kind"),
        "alt": media.get("alt", ""),
        "caption": media.get("caption", ""),
        "url": base,
        "thumbnail": thumbnail,
    }


def _year(value: str | None) -> int | None:
    if value and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None
