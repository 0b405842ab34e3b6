"""What a reader may see of an artifact's lineage.

An adaptation records its sources when it is made (``adapted_from``: the direct
source, with that source's own ancestors). Those descriptions were copied when
the sources were readable by the adapter; a later reader may not be allowed to
see them (a members-only source of a public adaptation), and a remote document
may name artifacts of this site it has no business naming (a draft). So every
node that names an artifact of this site is checked against that artifact as it
is now, for the reader at hand; the chain shown stops before the first node the
reader may not see, since what lies beyond it would be linked through it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain import policy
from domain.access import ANONYMOUS, Principal
from domain.application import Archive
from domain.errors import DomainError

ARTIFACT_PATH = "/api/v1/artifacts/"
PAGE_PATH = "/artifacts/"
NODE_KEYS = ("uri", "page", "site", "id", "version", "title", "place", "note")


def site_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_of(node: dict[str, Any]) -> str | None:
    """The web page a reader follows for a lineage node, never its JSON.

    A node may carry the page its own document named (JSON-LD ``url``); otherwise a
    Commonplace API address ``/api/v1/artifacts/{id}`` gives ``/artifacts/{id}``
    on the same site. None when neither is known (the title is then shown unlinked).
    """
    page = node.get("page")
    if isinstance(page, str) and urlsplit(page).scheme in ("http", "https"):
        return page
    uri = node.get("uri") or node.get("url")
    if not isinstance(uri, str):
        return None
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.path.startswith(ARTIFACT_PATH):
        return None
    artifact = parts.path.removeprefix(ARTIFACT_PATH).split("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{PAGE_PATH}{artifact}" if artifact else None


def local_id(site: str, uri: str | None) -> UUID | None:
    """The id of this site's artifact that ``uri`` names, or None if it names none."""
    if not uri or site_of(uri) != site:
        return None
    path = urlsplit(uri).path
    if not path.startswith(ARTIFACT_PATH):
        return None
    try:
        return UUID(path.removeprefix(ARTIFACT_PATH).split("/", 1)[0])
    except ValueError:
        return None


def may_see(archive: Archive, principal: Principal, artifact_id: UUID) -> bool:
    try:
        artifact = archive.artifacts.load(artifact_id)
    except DomainError:
        return False
    if policy.may_see_draft(principal, artifact):
        return True
    try:
        policy.check_readable(principal, artifact)
    except DomainError:
        return False
    return True


def visible_node(archive: Archive, site: str, principal: Principal, node: dict[str, Any]) -> bool:
    """Whether ``principal`` may see the work a lineage node names."""
    uri = node.get("uri")
    if not isinstance(uri, str) or not uri:
        return False
    if site_of(uri) != site:
        return True  # another site's work: that site decides what it publishes
    artifact_id = local_id(site, uri)
    return artifact_id is not None and may_see(archive, principal, artifact_id)


def chain(adapted_from: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The direct source followed by its ancestors, back to the origin."""
    if not adapted_from:
        return []
    head = {k: adapted_from.get(k) for k in NODE_KEYS}
    return [head, *(a for a in adapted_from.get("ancestors") or [] if isinstance(a, dict))]


def visible_chain(
    archive: Archive, site: str, principal: Principal, adapted_from: dict[str, Any] | None
) -> list[dict[str, Any]]:
    shown = []
    for node in chain(adapted_from):
        if not visible_node(archive, site, principal, node):
            break
        shown.append(node)
    return shown


def visible_source(
    archive: Archive, site: str, principal: Principal, adapted_from: dict[str, Any] | None
) -> dict[str, Any] | None:
    """``adapted_from`` as ``principal`` may see it (None when the direct source is hidden)."""
    shown = visible_chain(archive, site, principal, adapted_from)
    if not shown or adapted_from is None:
        return None
    return {**adapted_from, "ancestors": shown[1:]}


def public_source(
    archive: Archive, site: str, adapted_from: dict[str, Any] | None
) -> dict[str, Any] | None:
    """``adapted_from`` as anyone may see it: for JSON-LD, OAI-PMH, feeds and packages."""
    return visible_source(archive, site, ANONYMOUS, adapted_from)
