"""Plain-data views of aggregates: what queries return (never live aggregates)."""

from __future__ import annotations

from typing import Any

from domain.artifact import Artifact
from domain.catalogue import Convening, Excursion, Framework, Place


def artifact_view(artifact: Artifact, *, draft: bool) -> dict[str, Any]:
    """The artifact as a reader (``draft=False``) or a contributor (``draft=True``) sees it."""
    published = artifact.published
    content = artifact.content if draft or published is None else published["content"]
    view: dict[str, Any] = {
        "id": str(artifact.id),
        "kind": artifact.kind,
        "version": artifact.version,
        "status": artifact.status,
        "view": "draft" if draft else "published",
        **content,
        "created_at": artifact.created_on,
        "modified_at": artifact.modified_on,
        "first_published_at": artifact.first_published_at,
        "published": _publication(published),
        "withdrawal": artifact.withdrawal,
        "adapted_from": artifact.adapted_from,
        "adaptations": adaptation_summary(artifact.adaptations),
    }
    if draft:
        view.update(
            revision=artifact.revision,
            in_review=artifact.in_review,
            # Sent back with comments and not submitted again since (nor published as is).
            returned=bool(artifact.returns)
            and artifact.submitted_version is None
            and artifact.has_unpublished_changes,
            has_unpublished_changes=artifact.has_unpublished_changes,
            owners=list(artifact.owners),
        )
    return view


def adaptation_summary(reports: list[dict[str, Any]]) -> dict[str, Any]:
    places = sorted({r["place"] for r in reports if r.get("place")})
    return {"count": len(reports), "places": places, "place_count": len(places)}


def _publication(published: dict[str, Any] | None) -> dict[str, Any] | None:
    if published is None:
        return None
    return {
        "source_version": published["source_version"],
        "number": published["number"],
        "at": published["at"],
        "note": published["note"],
    }


def place_view(place: Place) -> dict[str, Any]:
    return {
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "parent": place.parent,
        "lat": place.lat,
        "lon": place.lon,
        "identifiers": dict(place.identifiers),
        "version": place.version,
    }


def framework_view(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.slug,
        "name": framework.name,
        "description": framework.description,
        "source": framework.source,
        "terms": [dict(term) for term in framework.terms],
        "stages": [dict(stage) for stage in framework.stages],
        "version": framework.version,
    }


def convening_view(convening: Convening) -> dict[str, Any]:
    return {
        "slug": convening.slug,
        "title": convening.title,
        "place": convening.place,
        "starts": convening.starts,
        "ends": convening.ends,
        "question": convening.question,
        "summary": convening.summary,
        "version": convening.version,
    }


def excursion_view(excursion: Excursion) -> dict[str, Any]:
    return {
        "slug": excursion.slug,
        "convening": excursion.convening,
        "title": excursion.title,
        "host_place": excursion.host_place,
        "big_question": excursion.big_question,
        "date": excursion.date,
        "leaders": [dict(leader) for leader in excursion.leaders],
        "version": excursion.version,
    }
