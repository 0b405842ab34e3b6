"""Atom (RFC 4287, through feedgen) and JSON Feed 1.1 from public records."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from domain.values import strip_refused

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def etag(records: list[dict[str, Any]], variant: str) -> str:
    digest = hashlib.sha256(variant.encode())
    for record in records:
        digest.update(f"{record['id']}:{record['version']}".encode())
    return f'"{digest.hexdigest()[:32]}"'


def last_modified(records: list[dict[str, Any]]) -> datetime:
    stamps = [r["published_at"] for r in records if r.get("published_at")]
    return max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)


ATOM = "http://www.w3.org/2005/Atom"


def atom(records: list[dict[str, Any]], title: str, feed_url: str, home_url: str) -> bytes:
    """An Atom feed, built with lxml.

    feedgen 1.0.0 drops the ``rel`` and ``type`` of entry links (its entry
    serialiser shadows the link it reads), and a harvester needs both to tell
    the page, the JSON-LD and the package apart, so the feed is written here.
    """
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    _text(feed, "updated", last_modified(records).isoformat())
    _link(feed, feed_url, "self", "application/atom+xml")
    _link(feed, home_url, "alternate", "text/html")
    _text(feed, "generator", "Commonplace")
    for record in records:
        _atom_entry(feed, record)
    data: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


def _text(parent: Any, name: str, value: str, **attributes: str) -> Any:
    """An element holding ``value``; characters XML cannot carry (stored before they
    were refused on input) are dropped rather than failing the whole feed."""
    element = _element(parent, name, **attributes)
    element.text = strip_refused(value)
    return element


def _element(parent: Any, name: str, **attributes: str) -> Any:
    safe = {key: strip_refused(value) for key, value in attributes.items()}
    return etree.SubElement(parent, f"{{{ATOM}}}{name}", **safe)


def _link(parent: Any, href: str, rel: str, media_type: str, **more: str) -> None:
    _element(parent, "link", href=href, rel=rel, type=media_type, **more)


def _atom_entry(feed: Any, record: dict[str, Any]) -> None:
    entry = _element(feed, "entry")
    urls = record["urls"]
    _text(entry, "id", urls["api"])
    _text(entry, "title", record["title"])
    _text(entry, "updated", record["published_at"].isoformat())
    _text(
        entry, "published", (record.get("first_published_at") or record["published_at"]).isoformat()
    )
    _link(entry, urls["page"], "alternate", "text/html", hreflang=record["language"])
    for version in record.get("versions") or []:  # the same work in other languages
        _link(entry, version["url"], "alternate", "text/html", hreflang=version["language"])
    _link(entry, urls["jsonld"], "alternate", "application/ld+json")
    _link(entry, urls["package"], "enclosure", "application/zip")
    for person in record["contributors"] or [{"name": "Commonplace", "role": "publisher"}]:
        author = _element(entry, "author")
        _text(author, "name", f"{person['name']} ({person['role']})")
    for term in record["terms"]:
        _element(entry, "category", term=term["key"], label=term["label"], scheme=term["url"])
    _text(entry, "rights", record["licence"]["label"])
    _text(entry, "summary", record["summary"] or record["title"])
    _text(entry, "content", record["body_html"], type="html")


def json_feed(
    records: list[dict[str, Any]], title: str, feed_url: str, home_url: str
) -> dict[str, Any]:
    return {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "language": "en",
        "items": [_json_item(record) for record in records],
    }


def _json_item(record: dict[str, Any]) -> dict[str, Any]:
    urls = record["urls"]
    first = record.get("first_published_at") or record["published_at"]
    return {
        "id": urls["api"],
        "url": urls["page"],
        "external_url": urls["jsonld"],
        "title": record["title"],
        "summary": record["summary"],
        "content_html": record["body_html"],
        "date_published": first.isoformat(),
        "date_modified": record["published_at"].isoformat(),
        "authors": [{"name": f"{p['name']} ({p['role']})"} for p in record["contributors"]],
        "tags": [t["label"] for t in record["terms"]] + record["themes"],
        "language": record["language"],
        "attachments": [
            {"url": urls["package"], "mime_type": "application/zip", "title": "BagIt package"},
            {"url": urls["jsonld"], "mime_type": "application/ld+json", "title": "JSON-LD"},
        ],
        "_commonplace": {
            "kind": record["kind"],
            "version": record["version"],
            "licence": record["licence"]["uri"],
            # The same work in other languages (JSON Feed has no field of its own for them).
            "language_versions": [
                {"url": v["url"], "language": v["language"], "title": v["title"]}
                for v in record.get("versions") or []
            ],
        },
    }
