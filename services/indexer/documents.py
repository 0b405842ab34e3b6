"""From a published artifact to the search document both backends store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.application import Archive
from domain.artifact import PUBLISHED, Artifact
from infra.markdown import plain_text

__all__ = ["DocumentBuilder", "media_summary", "plain_text"]


class DocumentBuilder:
    """Builds documents using the archive's catalogue (places, frameworks)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._parents: tuple[tuple[tuple[str, int], ...], dict[str, str]] = ((), {})

    def term_parents(self) -> dict[str, str]:
        """Each framework term's broader term; worked out again only when a framework changes."""
        frameworks = self.archive.frameworks()
        key = tuple((framework.slug, framework.version) for framework in frameworks)
        if key != self._parents[0]:
            parents = {}
            for framework in frameworks:
                for term in framework.terms:
                    if term.get("parent"):
                        parents[f"{framework.slug}:{term['id']}"] = (
                            f"{framework.slug}:{term['parent']}"
                        )
            self._parents = (key, parents)
        return self._parents[1]

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
        places = self._place_chain(content.get("place"))
        parents = self.term_parents()
        terms = list(content.get("terms") or [])
        expanded = list(dict.fromkeys(terms + [parents[t] for t in terms if t in parents]))
        year = _year(content.get("date")) or published_at.year
        located = next((p for p in reversed(places) if p.lat is not None), None)
        return {
            "id": artifact_id,
            "kind": kind,
            "title": content.get("title") or "",
            "summary": content.get("summary") or "",
            "body": plain_text(content.get("body") or ""),
            "language": content.get("language") or "en",
            "licence": content.get("licence"),
            "members_only": content.get("visibility") == "members",
            "terms": terms,
            "term_filter": expanded,
            "stage": content.get("stage"),
            "place": content.get("place"),
            "place_path": [p.slug for p in places],
            "place_names": [p.name for p in places],
            "contributors": [c["name"] for c in content.get("contributors") or []],
            "themes": list(content.get("themes") or []),
            "convening": content.get("convening"),
            "excursion": content.get("excursion"),
            "date": content.get("date"),
            "year": year,
            "published_at": published_at.timestamp(),
            "version": version,
            "media": [media_summary(m) for m in content.get("media") or []],
            "_geo": {"lat": located.lat, "lng": located.lon} if located else None,
        }

    def _place_chain(self, slug: str | None) -> list[Any]:
        if not slug:
            return []
        place = self.archive.catalogue.get_place_record(slug)
        if place is None:
            return []
        return [*self.archive.place_ancestors(slug), place]


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
