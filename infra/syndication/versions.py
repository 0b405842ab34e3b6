"""A public record's language versions, from the publications read model.

Every syndication format shows the same versions: the other public language
versions of the same work (the original and its translations), and which of them
is the original when the record is a translation. Only public rows are shown, so a
version withdrawn, narrowed to members or kept to this site's pages never appears.
"""

from __future__ import annotations

from typing import Any


def language_versions(publications: object, base: str, artifact_id: str) -> dict[str, Any]:
    """``{"translation_of": <the original, if public>, "versions": [<every other public
    version>]}``, each version ``{id, language, title, original, url, api}``."""
    found = _rows(publications, artifact_id)
    versions = [
        {
            "id": row["id"],
            "language": row["language"],
            "title": row["title"],
            "original": row["original"],
            "url": f"{base}/artifacts/{row['id']}",
            "api": f"{base}/api/v1/artifacts/{row['id']}",
        }
        for row in found
        if row["id"] != artifact_id
    ]
    original = next((v for v in versions if v["original"]), None)
    return {"translation_of": original, "versions": versions}


def _rows(publications: object, artifact_id: str) -> list[dict[str, Any]]:
    """The work's public versions; none without a read model (a bare ``RecordFormat``)."""
    reader = getattr(publications, "versions", None)
    if reader is None:
        return []
    return [
        {"id": v.artifact_id, "language": v.language, "title": v.title, "original": v.original}
        for v in reader(artifact_id)
    ]
