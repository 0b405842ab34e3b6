"""Adapting artifacts here or from other Commonplace sites, and keeping lineage across sites.

An adaptation starts as a draft prefilled from its source (a local artifact,
or a remote one read as JSON-LD) and records where it came from. When it is
published, every site in its ancestry is told; each verifies the notice by
fetching the adaptation's JSON-LD and following ``isBasedOn`` back to itself
before recording anything.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx

from domain.access import Principal, Role
from domain.application import Archive, CommandResult
from domain.errors import InvalidInput, NotFound
from domain.policy import require_role
from infra.fetch import FetchFailed, GuardedFetcher
from infra.syndication.records import Records

log = logging.getLogger("commonplace.adaptations")
MAX_GENERATIONS = 8
TERM_PATH = "/api/v1/browse/terms/"


def site_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _node(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


def _name(value: Any) -> str:
    node = _node(value)
    return str(node.get("name", "")) if node else ""


class AdaptationService:
    def __init__(self, archive: Archive, records: Records, fetcher: GuardedFetcher) -> None:
        self.archive = archive
        self.records = records
        self.fetcher = fetcher
        self.site = records.base

    # -- adapting ------------------------------------------------------------

    def adapt(
        self, principal: Principal, source: dict[str, Any], place: str, kind: str | None = None
    ) -> CommandResult:
        require_role(principal, Role.PARTNER, "adapt artifacts")
        if source.get("url"):
            found_kind, content, described = self._remote(str(source["url"]))
        elif source.get("artifact_id"):
            found_kind, content, described = self._local(
                principal, UUID(str(source["artifact_id"])), source.get("version")
            )
        else:
            raise InvalidInput("Name the source: artifact_id (and version) or url.", field="source")
        content["place"] = place
        content["contributors"] = [
            *content.get("contributors", []),
            {"name": principal.name, "role": "adapter"},
        ]
        return self.archive.adapt(principal, kind or found_kind, content, described)

    def _local(
        self, principal: Principal, artifact_id: UUID, version: int | None
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        view = self.archive.get_artifact(principal, artifact_id, version=version)
        artifact = self.archive.load_artifact(artifact_id)
        place = self.records.place(view.get("place"))
        described = {
            "uri": self.records.api_url(str(artifact_id)),
            "site": self.site,
            "id": str(artifact_id),
            "version": view["version"],
            "title": view.get("title") or "",
            "licence": view.get("licence"),
            "place": place["name"] if place else None,
            "note": view.get("adaptation_note"),
            "ancestors": self.ancestry(artifact.adapted_from),
        }
        return artifact.kind, copy_content(view), described

    def _remote(self, url: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        document = self.fetcher.get_json(url)
        types = document.get("@type") or []
        if "CreativeWork" not in (types if isinstance(types, list) else [types]):
            raise FetchFailed(f"{url} does not describe a creative work in JSON-LD.", url=url)
        licence = str(document.get("license") or "all-rights-reserved")
        uri = str(document.get("@id") or url)
        described = {
            "uri": uri,
            "site": site_of(uri),
            "id": document.get("identifier"),
            "version": document.get("version"),
            "title": document.get("name", ""),
            "licence": licence,
            "place": _name(document.get("spatialCoverage")) or None,
            "note": document.get("schema:editorsNote"),
            "ancestors": remote_ancestry(document.get("isBasedOn")),
        }
        return (
            str(document.get("learningResourceType") or "story"),
            self._content(document),
            described,
        )

    def _content(self, document: dict[str, Any]) -> dict[str, Any]:
        people = [{"name": _name(a), "role": "storyteller"} for a in document.get("author", [])]
        for role in document.get("contributor", []):
            if isinstance(role, dict) and role.get("roleName") and _name(role.get("contributor")):
                people.append({"name": _name(role["contributor"]), "role": role["roleName"]})
        licence = document.get("license") or "all-rights-reserved"
        return {
            "title": document.get("name", ""),
            "summary": document.get("description", ""),
            "body": document.get("text", ""),
            "language": document.get("inLanguage", "en"),
            "licence": licence,
            "themes": list(document.get("keywords") or []),
            "terms": self._known_terms(document.get("educationalAlignment") or []),
            "contributors": [p for p in people if p["name"]],
        }

    def _known_terms(self, alignments: list[Any]) -> list[str]:
        known = {f"{f.slug}:{t}" for f in self.archive.frameworks() for t in f.term_ids()}
        found = []
        for alignment in alignments:
            path = (
                urlsplit(str(alignment.get("targetUrl", ""))).path
                if isinstance(alignment, dict)
                else ""
            )
            if TERM_PATH in path:
                framework, _, term = path.split(TERM_PATH, 1)[1].partition("/")
                if f"{framework}:{term}" in known:
                    found.append(f"{framework}:{term}")
        return found

    def ancestry(self, adapted_from: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The chain of sources from the direct one back to the origin."""
        if not adapted_from:
            return []
        head = {
            k: adapted_from.get(k)
            for k in ("uri", "site", "id", "version", "title", "place", "note")
        }
        return [head, *adapted_from.get("ancestors", [])]

    # -- after publishing: tell every ancestor -------------------------------

    def after_publish(self, artifact_id: UUID) -> list[dict[str, Any]]:
        artifact = self.archive.load_artifact(artifact_id)
        if not artifact.adapted_from or artifact.published is None:
            return []
        content = artifact.published["content"]
        if content.get("visibility") != "public":
            return []
        url = self.records.api_url(str(artifact_id))
        place = self.records.place(content.get("place"))
        report = {
            "url": url,
            "site": self.site,
            "title": content.get("title", ""),
            "place": place["name"] if place else None,
            "based_on": artifact.adapted_from["uri"],
            "note": content.get("adaptation_note"),
            "version": artifact.version,
            "reported_at": datetime.now(UTC).isoformat(),
        }
        return [self._notify(target, report) for target in self.ancestry(artifact.adapted_from)]

    def _notify(self, target: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
        if target.get("site") == self.site and target.get("id"):
            recorded = self.archive.report_adaptation(UUID(str(target["id"])), report)
            return {"uri": target["uri"], "status": "recorded" if recorded else "known"}
        notice_url = f"{target['uri']}/adaptation-notices"
        try:
            self.fetcher.check(notice_url)
            response = httpx.post(
                notice_url, json={"adaptation_url": report["url"]}, timeout=self.fetcher.timeout
            )
        except (httpx.HTTPError, FetchFailed) as error:
            log.warning("Could not notify %s: %s", notice_url, error)
            return {"uri": target["uri"], "status": "unreachable"}
        return {
            "uri": target["uri"],
            "status": "accepted" if response.is_success else "refused",
            "http_status": response.status_code,
        }

    # -- receiving notices ---------------------------------------------------

    def receive_notice(self, artifact_id: UUID, adaptation_url: str) -> dict[str, Any]:
        if self.records.record(artifact_id) is None:
            raise NotFound(f"No public artifact {artifact_id}.")
        ours = self.records.api_url(str(artifact_id))
        document = self.fetcher.get_json(adaptation_url)
        based_on = self._verify(document, ours)
        uri = str(document.get("@id") or adaptation_url)
        report = {
            "url": uri,
            "site": site_of(uri),
            "title": document.get("name", ""),
            "place": _name(document.get("spatialCoverage")) or None,
            "based_on": based_on,
            "note": document.get("schema:editorsNote"),
            "version": document.get("version"),
            "reported_at": datetime.now(UTC).isoformat(),
        }
        recorded = self.archive.report_adaptation(artifact_id, report)
        return {"recorded": recorded, "adaptation": report}

    def _verify(self, document: dict[str, Any], ours: str) -> str:
        """Follow isBasedOn, fetching each generation, until it reaches ``ours``."""
        direct = _node(document.get("isBasedOn"))
        node = document
        for _ in range(MAX_GENERATIONS):
            parent = _node(node.get("isBasedOn"))
            if parent is None or not parent.get("@id"):
                break
            if parent["@id"] == ours:
                assert direct is not None
                return str(direct["@id"])
            node = self.fetcher.get_json(str(parent["@id"]))
        raise InvalidInput(
            "This notice could not be verified: the adaptation's JSON-LD does not lead back "
            "to this artifact through isBasedOn. Nothing was recorded.",
            field="adaptation_url",
        )

    # -- lineage -------------------------------------------------------------

    def lineage(self, principal: Principal, artifact_id: UUID) -> dict[str, Any]:
        view = self.archive.get_artifact(principal, artifact_id)
        artifact = self.archive.load_artifact(artifact_id)
        me = self.records.api_url(str(artifact_id))
        place = self.records.place(view.get("place"))
        nodes = {
            me: {
                "url": me,
                "site": self.site,
                "title": view.get("title"),
                "place": place["name"] if place else None,
                "version": view["version"],
                "generation": 0,
                "this": True,
            }
        }
        edges: list[dict[str, Any]] = []
        child, note = me, view.get("adaptation_note")
        for depth, ancestor in enumerate(self.ancestry(artifact.adapted_from), start=1):
            nodes.setdefault(ancestor["uri"], _graph_node(ancestor, ancestor["uri"], -depth))
            edges.append({"from": ancestor["uri"], "to": child, "note": note})
            child, note = ancestor["uri"], ancestor.get("note")
        for report in artifact.adaptations:
            parent_generation = nodes.get(report["based_on"], {}).get("generation", 0)
            nodes.setdefault(
                report["url"], _graph_node(report, report["url"], parent_generation + 1)
            )
            edges.append(
                {"from": report["based_on"], "to": report["url"], "note": report.get("note")}
            )
        places = {r["place"] for r in artifact.adaptations if r.get("place")}
        return {
            "artifact": me,
            "nodes": sorted(nodes.values(), key=lambda n: n["generation"]),
            "edges": edges,
            "adaptations": {"count": len(artifact.adaptations), "places": len(places)},
        }


def _graph_node(source: dict[str, Any], url: str, generation: int) -> dict[str, Any]:
    return {
        "url": url,
        "site": source.get("site") or site_of(url),
        "title": source.get("title"),
        "place": source.get("place"),
        "version": source.get("version"),
        "generation": generation,
        "this": False,
    }


def remote_ancestry(value: Any) -> list[dict[str, Any]]:
    """The ancestors a remote JSON-LD document declares through nested isBasedOn."""
    chain: list[dict[str, Any]] = []
    node = _node(value)
    while node and node.get("@id") and len(chain) < MAX_GENERATIONS:
        uri = str(node["@id"])
        chain.append(
            {
                "uri": uri,
                "site": site_of(uri),
                "id": node.get("identifier"),
                "version": node.get("version"),
                "title": node.get("name", ""),
                "place": _name(node.get("spatialCoverage")) or None,
                "note": node.get("schema:editorsNote"),
            }
        )
        node = _node(node.get("isBasedOn"))
    return chain


def copy_content(view: dict[str, Any]) -> dict[str, Any]:
    """What an adaptation starts from: the words and tags, not the place-specific links."""
    keep = (
        "title",
        "summary",
        "body",
        "contributors",
        "terms",
        "stage",
        "language",
        "licence",
        "themes",
    )
    return {key: view[key] for key in keep if view.get(key) is not None}
