"""A collection as other sites take it: JSON-LD, Atom, JSON Feed and a BagIt package.

Every format starts from the collection as an anonymous reader sees it
(``Archive.collections.get``), so a withdrawn or members-only artifact is in none
of them, and from the public records of its artifacts
(:class:`~domain.app.records.Records`), so they say what the artifact's own
feeds and packages say. The package holds only the works whose licence lets them
travel (any but "all rights reserved") and whose people agreed to them being shared
(``syndication`` "shared" or "adaptable"), each as the artifact's own package makes
it; the rest of the collection is listed in its metadata by address only.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domain.access import ANONYMOUS
from domain.artifact_fields import syndication_of
from domain.values import ALL_RIGHTS_RESERVED, one_line, strip_refused
from infra.syndication import feeds
from infra.syndication.jsonld import JSONLD_CONTEXT
from infra.syndication.package import build_package, zipped_bag

SHARED = ("shared", "adaptable")


class CollectionSyndication:
    def __init__(self, collections: Any, records: Any, base_url: str) -> None:
        self.collections = collections  # the archive's collections
        self.records = records
        self.base = base_url.rstrip("/")

    def api_url(self, slug: str) -> str:
        return f"{self.base}/api/v1/collections/{slug}"

    def page_url(self, slug: str) -> str:
        return f"{self.base}/collections/{slug}"

    def public(self, slug: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The collection as the public sees it, and the public records of its artifacts."""
        view = self.collections.get(ANONYMOUS, slug)
        found = (self.records.record(i["artifact_id"]) for i in view["items"] if i["artifact_id"])
        return view, [record for record in found if record is not None]

    # -- JSON-LD -------------------------------------------------------------------

    def jsonld(self, view: dict[str, Any]) -> dict[str, Any]:
        """schema.org ``Collection`` with its parts in order (``hasPart``)."""
        parts = [self._part(item) for item in view["items"]]
        return {
            "@context": JSONLD_CONTEXT,
            "@type": "Collection",
            "@id": self.api_url(view["slug"]),
            "url": self.page_url(view["slug"]),
            "identifier": view["slug"],
            "name": view["title"],
            "description": view["introduction"],
            "dateCreated": _iso(view["created_at"]),
            "dateModified": _iso(view["updated_at"]),
            "version": view["version"],
            "collectionSize": len(parts),
            "hasPart": parts,
        }

    def _part(self, item: dict[str, Any]) -> dict[str, Any]:
        if item["artifact_id"] is None:
            return {"@type": "CreativeWork", "url": item["url"], "name": item["title"]}
        return {
            "@type": ["CreativeWork", "LearningResource"],
            "@id": self.records.api_url(item["artifact_id"]),
            "url": self.records.page_url(item["artifact_id"]),
            "name": item["title"],
            "learningResourceType": item["kind"],
        }

    # -- feeds ---------------------------------------------------------------------

    def atom(self, view: dict[str, Any], records: list[dict[str, Any]], url: str) -> bytes:
        return feeds.atom(records, view["title"], url, self.page_url(view["slug"]))

    def json_feed(
        self, view: dict[str, Any], records: list[dict[str, Any]], url: str
    ) -> dict[str, Any]:
        found = feeds.json_feed(records, view["title"], url, self.page_url(view["slug"]))
        found["description"] = view["introduction"]
        return found

    # -- package -------------------------------------------------------------------

    def package(
        self, view: dict[str, Any], records: list[dict[str, Any]], store: Any, folder: Path
    ) -> Path:
        """A bag of the works that may travel, one folder each, in the collection's order."""
        bag_dir = folder / f"commonplace-collection-{view['slug']}"
        bag_dir.mkdir()
        packed = [record for record in records if travels(record)]
        for number, record in enumerate(packed, start=1):
            made = folder / "works" / record["id"]
            made.mkdir(parents=True)
            build_package(record, self.records.jsonld(record), store, made)
            shutil.copytree(
                made / f"commonplace-{record['id']}" / "data", bag_dir / _name(number, record)
            )
        document = self.jsonld(view)
        (bag_dir / "collection.jsonld").write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (bag_dir / "README.md").write_text(_readme(view, packed), encoding="utf-8")
        return zipped_bag(bag_dir, _bag_info(view, self.page_url(view["slug"])))


def travels(record: dict[str, Any]) -> bool:
    """Whether a public record goes into a collection's package."""
    licence = record["licence"]["uri"]
    return licence != ALL_RIGHTS_RESERVED and syndication_of(record) in SHARED


def _name(number: int, record: dict[str, Any]) -> str:
    return f"{number:03d}-{record['id']}"


def _readme(view: dict[str, Any], packed: list[dict[str, Any]]) -> str:
    lines = [f"# {view['title']}", "", view["introduction"], "", "## In this package", ""]
    lines += [
        f"- {_name(n, r)}/: {r['title']} ({r['licence']['label']})" for n, r in enumerate(packed, 1)
    ]
    lines += ["", "The whole collection, links included, is listed in collection.jsonld.", ""]
    return strip_refused("\n".join(lines))


def _bag_info(view: dict[str, Any], page: str) -> dict[str, str]:
    tags = {
        "Source-Organization": "Commonplace",
        "External-Identifier": page,
        "External-Description": (view["introduction"] or "")[:500] or view["title"],
        "Bagging-Date": datetime.now(UTC).date().isoformat(),
        "Version": str(view["version"]),
        "Source-URL": page,
    }
    return {name: one_line(value) for name, value in tags.items()}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
