"""Absolute URLs for what a client is told to fetch or send to.

A path such as ``/api/v1/media/…/content`` only works for a client that remembers
which site it came from; ``curl -X PUT "$UPLOAD_URL"`` does not. URLs are made
absolute from the site's BASE_URL, the address it is known by from outside.
"""

from __future__ import annotations

from typing import Any


def absolute(base_url: str, url: str) -> str:
    """``url`` on this site (a path starting with one ``/``) made absolute; others as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return base_url.rstrip("/") + url
    return url


def upload_answer(base_url: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The answer to declaring an upload with its URLs absolute (presigned ones already are)."""
    upload = dict(answer["upload"])
    if upload.get("url"):
        upload["url"] = absolute(base_url, upload["url"])
    if "parts" in upload:
        upload["parts"] = [{**p, "url": absolute(base_url, p["url"])} for p in upload["parts"]]
    return {
        **answer,
        "upload": upload,
        "complete_url": absolute(base_url, answer["complete_url"]),
    }


def search_answer(base_url: str, result: dict[str, Any]) -> dict[str, Any]:
    """Search results whose links (the artifact, its media, thumbnails and language versions)
    are absolute."""

    def media(item: dict[str, Any]) -> dict[str, Any]:
        return {
            **item,
            "url": absolute(base_url, item["url"]) if item.get("url") else item.get("url"),
            "thumbnail": absolute(base_url, item["thumbnail"]) if item.get("thumbnail") else None,
        }

    hits = [
        {
            **hit,
            "url": absolute(base_url, hit["url"]),
            "media": [media(m) for m in hit.get("media") or []],
            **(
                {"versions": [{**v, "url": absolute(base_url, v["url"])} for v in hit["versions"]]}
                if hit.get("versions")
                else {}
            ),
        }
        for hit in result["hits"]
    ]
    return {**result, "hits": hits}
