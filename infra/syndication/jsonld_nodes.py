"""schema.org nodes that a record's JSON-LD is made of: people, roles, alignments, places."""

from __future__ import annotations

from typing import Any


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
