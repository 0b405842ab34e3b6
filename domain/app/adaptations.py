"""Adapting artifacts here or from other Commonplace sites, and keeping lineage across sites.

An adaptation starts as a draft prefilled from its source (a local artifact,
or a remote one read as JSON-LD) and records where it came from. When it is
published, every site in its ancestry is told; each keeps the notice and its
outbox follower verifies it, fetching the adaptation's JSON-LD and following
``isBasedOn`` back to itself before recording anything (``adaptation_receipt.py``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.access import Principal, Role
from domain.app.adaptation_receipt import MAX_GENERATIONS
from domain.app.adaptation_reports import may_see_report
from domain.app.jsonld_values import int_of, name_of, node_of, text_of
from domain.app.lineage import (
    local_id,
    page_of,
    site_of,
    visible_chain,
    visible_source,
)
from domain.app.notices import AdaptationNotices
from domain.app.signatures import SiteKeys
from domain.app.withdrawal_notices import WithdrawalNotices
from domain.application import Archive, CommandResult
from domain.errors import InvalidInput
from domain.outbox import Notifier
from domain.policy import require_role
from domain.ports.clock import Clock
from domain.ports.fetcher import Fetcher, FetchFailed
from domain.ports.publications import PublicRecords
from domain.values import CONTRIBUTOR_ROLES

TERM_PATH = "/api/v1/browse/terms/"
__all__ = ["AdaptationService", "copy_content", "remote_ancestry", "site_of"]


class AdaptationService:
    def __init__(
        self,
        archive: Archive,
        records: PublicRecords,
        fetcher: Fetcher,
        clock: Clock,
        keys: SiteKeys,
    ) -> None:
        self.archive = archive
        self.records = records
        self.fetcher = fetcher
        self.site = records.base
        self.notices = AdaptationNotices(archive, records, fetcher, clock)
        self.withdrawals = WithdrawalNotices(archive, records, fetcher, clock, keys)
        self.notices.when_gone = self.withdrawals.receipt.source_refused

    # -- adapting ------------------------------------------------------------

    def adapt(
        self, principal: Principal, source: dict[str, Any], place: str, kind: str | None = None
    ) -> CommandResult:
        require_role(principal, Role.PARTNER, "adapt artifacts")
        if source.get("url"):
            found_kind, content, described = self._remote(principal, str(source["url"]))
        elif source.get("artifact_id"):
            found_kind, content, described = self._local(
                principal, _artifact_id(source["artifact_id"]), source.get("version")
            )
        else:
            raise InvalidInput("Name the source: artifact_id (and version) or url.", field="source")
        content["place"] = place
        content["contributors"] = [
            *content.get("contributors", []),
            {"name": principal.name, "role": "adapter"},
        ]
        result: CommandResult = self.archive.adaptations.adapt(
            principal, kind or found_kind, content, described
        )
        return result

    def _local(
        self, principal: Principal, artifact_id: UUID, version: int | None
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        view = self.archive.reading.get_artifact(principal, artifact_id, version=version)
        artifact = self.archive.artifacts.load(artifact_id)
        place = self.records.place(view.get("place"))
        described = {
            "uri": self.records.api_url(str(artifact_id)),
            "page": self.records.page_url(str(artifact_id)),
            "site": self.site,
            "id": str(artifact_id),
            "version": view["version"],
            "title": view.get("title") or "",
            "licence": view.get("licence"),
            "place": place["name"] if place else None,
            "note": view.get("adaptation_note"),
            # Only the ancestors the adapter may see travel with the new draft.
            "ancestors": visible_chain(self.archive, self.site, principal, artifact.adapted_from),
        }
        return artifact.kind, copy_content(view), described

    def _remote(self, principal: Principal, url: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        here = local_id(self.site, url)
        if here is not None:  # our own artifact, named by its address: read it here
            return self._local(principal, here, None)
        document = self.fetcher.get_json(url)
        types = document.get("@type") or []
        if "CreativeWork" not in (types if isinstance(types, list) else [types]):
            raise FetchFailed(f"{url} does not describe a creative work in JSON-LD.", url=url)
        licence = text_of(document.get("license")) or "all-rights-reserved"
        uri = text_of(document.get("@id")) or url
        if site_of(uri) != site_of(url):
            raise FetchFailed(
                f"{url} describes a work at another address ({uri}); adapt it from there.",
                url=url,
            )
        described = {
            "uri": uri,
            "page": text_of(document.get("url")),
            "site": site_of(uri),
            "id": text_of(document.get("identifier")),
            "version": int_of(document.get("version")),
            "title": str(document.get("name") or ""),
            "licence": licence,
            "place": name_of(document.get("spatialCoverage")) or None,
            "note": text_of(document.get("schema:editorsNote")),
            "ancestors": remote_ancestry(document.get("isBasedOn")),
        }
        return (
            text_of(document.get("learningResourceType")) or "story",
            self._content(document),
            described,
        )

    def _content(self, document: dict[str, Any]) -> dict[str, Any]:
        people = [
            {"name": name_of(a), "role": "storyteller"} for a in _list(document.get("author"))
        ]
        for role in _list(document.get("contributor")):
            if isinstance(role, dict) and text_of(role.get("roleName")):
                people.append({"name": name_of(role.get("contributor")), "role": role["roleName"]})
        return {
            "title": text_of(document.get("name")) or "",
            "summary": text_of(document.get("description")) or "",
            "body": text_of(document.get("text")) or "",
            "language": text_of(document.get("inLanguage")) or "en",
            "licence": text_of(document.get("license")) or "all-rights-reserved",
            "themes": [k for k in _list(document.get("keywords")) if isinstance(k, str)],
            "terms": self._known_terms(_list(document.get("educationalAlignment"))),
            "contributors": [p for p in people if p["name"] and p["role"] in CONTRIBUTOR_ROLES],
        }

    def _known_terms(self, alignments: list[Any]) -> list[str]:
        known = {f"{f.slug}:{t}" for f in self.archive.catalogue.frameworks() for t in f.term_ids()}
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

    # -- notices -------------------------------------------------------------

    def notifiers(self) -> list[Notifier]:
        """What the outbox follower sends and handles: notices out, notices received."""
        return [self.notices, self.notices.receipt, self.withdrawals, self.withdrawals.receipt]

    # -- lineage -------------------------------------------------------------

    def lineage(self, principal: Principal, artifact_id: UUID) -> dict[str, Any]:
        """Ancestors and descendants, limited to what ``principal`` may see."""
        view = self.archive.reading.get_artifact(principal, artifact_id)
        artifact = self.archive.artifacts.load(artifact_id)
        me = self.records.api_url(str(artifact_id))
        place = self.records.place(view.get("place"))
        nodes = {
            me: {
                "url": me,
                "page": self.records.page_url(str(artifact_id)),
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
        ancestors = visible_chain(self.archive, self.site, principal, artifact.adapted_from)
        for depth, ancestor in enumerate(ancestors, start=1):
            nodes.setdefault(ancestor["uri"], _graph_node(ancestor, ancestor["uri"], -depth))
            edges.append({"from": ancestor["uri"], "to": child, "note": note})
            child, note = ancestor["uri"], ancestor.get("note")
        reports = [r for r in artifact.adaptations if self._may_see_report(principal, r)]
        for report in reports:
            parent_generation = nodes.get(report["based_on"], {}).get("generation", 0)
            nodes.setdefault(
                report["url"], _graph_node(report, report["url"], parent_generation + 1)
            )
            edges.append(
                {"from": report["based_on"], "to": report["url"], "note": report.get("note")}
            )
        places = {r["place"] for r in reports if r.get("place")}
        return {
            "artifact": me,
            "nodes": sorted(nodes.values(), key=lambda n: n["generation"]),
            "edges": edges,
            "adaptations": {"count": len(reports), "places": len(places)},
        }

    def visible_source(
        self, principal: Principal, adapted_from: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """An ``adapted_from`` as ``principal`` may see it."""
        return visible_source(self.archive, self.site, principal, adapted_from)

    def _may_see_report(self, principal: Principal, report: dict[str, Any]) -> bool:
        """Reports of this site's adaptations are shown only while the reader may see them
        (the same rule as the artifact view's adaptation summary)."""
        return may_see_report(self.archive, self.site, principal, report)


def _graph_node(source: dict[str, Any], url: str, generation: int) -> dict[str, Any]:
    return {
        "url": url,  # the API address (JSON), for clients
        "page": page_of({**source, "uri": url}),  # the web page, for readers
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
    node = node_of(value)
    while node and node.get("@id") and len(chain) < MAX_GENERATIONS:
        uri = str(node["@id"])
        chain.append(
            {
                "uri": uri,
                "page": text_of(node.get("url")),
                "site": site_of(uri),
                "id": text_of(node.get("identifier")),
                "version": int_of(node.get("version")),
                "title": text_of(node.get("name")) or "",
                "place": name_of(node.get("spatialCoverage")) or None,
                "note": text_of(node.get("schema:editorsNote")),
            }
        )
        node = node_of(node.get("isBasedOn"))
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


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _artifact_id(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not an artifact id.", field="source.artifact_id"
        ) from None
