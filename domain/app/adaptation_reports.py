"""Which reports of adaptations a reader may see, and the artifact view's summary of them.

An artifact keeps a report of every verified adaptation (of it, or further down
its lineage). A report of an adaptation on this site names that artifact; it is
shown to a reader only while that reader may see the adaptation itself (a
members-only or withdrawn adaptation reveals neither its existence nor its
place to others). The lineage graph and the artifact view's ``adaptations``
summary apply the same rule, so they agree for every reader.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.access import Principal
from domain.app.lineage import visible_node
from domain.application import Archive
from domain.artifact import Artifact
from domain.views import adaptation_summary


def may_see_report(
    archive: Archive, site: str, principal: Principal, report: dict[str, Any]
) -> bool:
    """Another site's adaptation: always; this site's: while ``principal`` may see it."""
    return visible_node(archive, site, principal, {"uri": report.get("url")})


def visible_reports(
    archive: Archive, site: str, principal: Principal, reports: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [report for report in reports if may_see_report(archive, site, principal, report)]


def reader_summary(
    archive: Archive, site: str, principal: Principal, view: dict[str, Any]
) -> dict[str, Any] | None:
    """The view's ``adaptations`` summary counting only the reports ``principal`` may see."""
    summary: dict[str, Any] | None = view.get("adaptations")
    if not summary or not summary.get("count"):
        return summary  # nothing to hide (and no aggregate to load)
    artifact = archive.load(Artifact, UUID(str(view["id"])), version=int(view["version"]))
    return adaptation_summary(visible_reports(archive, site, principal, artifact.adaptations))
