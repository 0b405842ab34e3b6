"""schema.org nodes that a record's JSON-LD is made of: people, roles, alignments, places,
sources."""

from __future__ import annotations

from typing import Any

from domain.app.lineage import page_of


def person(someone: dict[str, str]) -> dict[str, Any]:
    return {"@type": "Person", "name": someone["name"]}


def role(someone: dict[str, str]) -> dict[str, Any]:
    return {"@type": "Role", "roleName": someone["role"], "contributor": person(someone)}


def alignment(term: dict[str, Any]) -> dict[str, Any]:
    return {
        "@type": "AlignmentObject",
        "alignmentType": "educationalSubject",
        "educationalFramework": term["framework_name"],
        "targetName": term["label"],
        "targetUrl": term["url"],
        "targetDescription": term["description"],
    }


def place_node(place: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "@type": "Place",
        "name": place["name"],
        "url": place["url"],
        "address": ", ".join(reversed(place["path"])),
    }
    if place["lat"] is not None:
        found["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place["lat"],
            "longitude": place["lon"],
        }
    return found


def based_on(chain: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Nested ``isBasedOn``: the direct source, whose own source is nested inside it."""
    if not chain:
        return None
    head = chain[0]
    node: dict[str, Any] = {
        "@id": head["uri"],
        "@type": "CreativeWork",
        "name": head.get("title") or "",
        "version": head.get("version"),
    }
    page = page_of(head)
    if page:
        node["url"] = page
    if head.get("place"):
        node["spatialCoverage"] = {"@type": "Place", "name": head["place"]}
    if head.get("note"):
        node["schema:editorsNote"] = head["note"]
    parent = based_on(chain[1:])
    if parent:
        node["isBasedOn"] = parent
    return node
