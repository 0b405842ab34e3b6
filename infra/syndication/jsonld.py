"""A public record as schema.org JSON-LD (CreativeWork and LearningResource, with LRMI
alignments), as the API, feeds and packages give it."""

from __future__ import annotations

from typing import Any

from domain.values import ALL_RIGHTS_RESERVED
from infra.syndication.jsonld_nodes import alignment, based_on, person, place_node, role

AUTHOR_ROLES = frozenset({"storyteller", "presenter"})
# An inline context (schema.org as the vocabulary, links typed as IRIs), so that
# consumers can expand documents without fetching a remote context.
JSONLD_CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    **{name: {"@type": "@id"} for name in ("license", "url", "targetUrl", "contentUrl")},
}


NOT_ADAPTABLE = (
    "The people in this work agreed to it being shared as it is, not adapted: "
    "please do not adapt it."
)


def jsonld_document(record: dict[str, Any], base: str) -> dict[str, Any]:
    """schema.org CreativeWork/LearningResource with LRMI alignments."""
    people = record["contributors"]
    document: dict[str, Any] = {
        "@context": JSONLD_CONTEXT,
        "@type": ["CreativeWork", "LearningResource"],
        "@id": record["urls"]["api"],
        "url": record["urls"]["page"],
        "identifier": record["id"],
        "name": record["title"],
        "description": record["summary"],
        "text": record["body"],
        "inLanguage": record["language"],
        "learningResourceType": record["kind"],
        "version": record["version"],
        "keywords": record["themes"],
        "author": [person(p) for p in people if p["role"] in AUTHOR_ROLES],
        "contributor": [role(p) for p in people if p["role"] not in AUTHOR_ROLES],
        "educationalAlignment": [alignment(t) for t in record["terms"]],
        "associatedMedia": [media_node(m, base) for m in record["media"]],
    }
    if record["licence"]["uri"] != ALL_RIGHTS_RESERVED:
        document["license"] = record["licence"]["uri"]
    else:
        document["copyrightNotice"] = "All rights reserved"
    if not record.get("adaptable", True):
        document["conditionsOfAccess"] = NOT_ADAPTABLE
    for field, key in (
        ("dateModified", "published_at"),
        ("datePublished", "first_published_at"),
    ):
        if record.get(key) is not None:
            document[field] = record[key].isoformat()
    if record.get("first_published"):  # a date, as its original publication gave it
        document["datePublished"] = record["first_published"]
    if record["place"]:
        document["spatialCoverage"] = place_node(record["place"])
    source = record.get("adapted_from")
    if source:
        document["isBasedOn"] = based_on([source, *source.get("ancestors", [])])
    if record.get("adaptation_note"):
        document["schema:editorsNote"] = record["adaptation_note"]
    original = record.get("translation_of")
    if original:
        document["translationOfWork"] = version_node(original)
    elif source and source.get("relation") == "translation":  # another site's work
        document["translationOfWork"] = {
            "@id": source["uri"],
            "@type": "CreativeWork",
            "url": source.get("page") or source["uri"],
            "name": source.get("title") or "",
        }
    else:  # the original names its translations
        translations = [version_node(v) for v in record.get("versions") or []]
        if translations:
            document["workTranslation"] = translations
    return document


def version_node(version: dict[str, Any]) -> dict[str, Any]:
    """Another language version of the same work."""
    return {
        "@id": version["api"],
        "@type": "CreativeWork",
        "url": version["url"],
        "name": version["title"],
        "inLanguage": version["language"],
    }


def media_node(media: dict[str, Any], base: str) -> dict[str, Any]:
    kinds = {"image": "ImageObject", "audio": "AudioObject", "video": "VideoObject"}
    return {
        "@type": kinds.get(media.get("kind", ""), "MediaObject"),
        "contentUrl": f"{base}/media/{media['id']}",
        "encodingFormat": media.get("content_type"),
        "name": media.get("filename"),
        "caption": media.get("caption") or None,
        "description": media.get("alt") or None,
    }
