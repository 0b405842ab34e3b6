"""An artifact shaped for its page: body, media, terms, place, people, licence, lineage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.access import Principal
from domain.app.adaptations import AdaptationService
from domain.app.lineage import page_of
from domain.app.records import Records
from domain.application import Archive
from domain.artifact_fields import media_references
from domain.errors import DomainError
from domain.values import ALL_RIGHTS_RESERVED, LICENCES
from infra.demo import fiction
from infra.markdown import MarkdownRenderer
from services.api.web.forms import LICENCE_HELP
from services.api.web.i18n import gettext
from services.api.web.templating import kind_label
from services.api.web.vocab import framework_trees, localized


def files_url(reference: str) -> str | None:
    """``media:ID`` to the cookie-aware file route (drafts and members-only work)."""
    try:
        return f"/files/{UUID(reference.removeprefix('media:'))}"
    except ValueError:
        return None


PRIVATE_RENDERER = MarkdownRenderer(resolve=files_url)


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def media_items(view: dict[str, Any], *, public: bool) -> list[dict[str, Any]]:
    """The files listed below the text: a photo the text already shows is not repeated."""
    base = "/media" if public else "/files"
    in_text = set(media_references(view.get("body") or ""))
    items = []
    transcripts: dict[str, list[dict[str, Any]]] = {}
    for media in view.get("media") or []:
        if media.get("describes"):
            transcripts.setdefault(media["describes"], []).append(media)
    for media in view.get("media") or []:
        if media.get("describes") or (media.get("kind") == "image" and media["id"] in in_text):
            continue
        url = f"{base}/{media['id']}"
        variants = media.get("variants") or {}
        items.append(
            {
                **media,
                "url": url,
                "thumbnail": f"{url}/320" if "320" in variants else url,
                "large": f"{url}/1280" if "1280" in variants else url,
                "transcripts": [
                    {**t, "url": f"{base}/{t['id']}"} for t in transcripts.get(media["id"], [])
                ],
            }
        )
    return items


def place_crumbs(archive: Archive, slug: str | None) -> list[Crumb]:
    if not slug:
        return []
    place = archive.catalogue.get_place_record(slug)
    if place is None:
        return []
    chain = [*archive.catalogue.place_ancestors(slug), place]
    return [Crumb(p.name, f"/places/{p.slug}") for p in chain]


def grouped_terms(archive: Archive, keys: list[str]) -> list[dict[str, Any]]:
    chosen = set(keys)
    groups = []
    for framework in framework_trees(archive):
        terms = [t for t in framework.all_terms() if t.key in chosen]
        if terms:
            groups.append({"framework": framework, "terms": terms})
    return groups


def stage_label(archive: Archive, stage: str | None) -> str | None:
    if not stage:
        return None
    framework_id, _, stage_id = stage.partition(":")
    for framework in archive.catalogue.frameworks():
        if framework.slug == framework_id:
            for candidate in framework.stages:
                if candidate["id"] == stage_id:
                    return localized(candidate)[0]
    return stage


def attribution(view: dict[str, Any], page_url: str, site_name: str = "Commonplace") -> str:
    """A ready-to-copy attribution line (TASL: title, author, source, licence)."""
    authors = [c["name"] for c in view.get("contributors") or []]
    by = gettext(" by %(authors)s") % {"authors": ", ".join(authors)} if authors else ""
    licence = view.get("licence") or ALL_RIGHTS_RESERVED
    label = LICENCES.get(licence, licence)
    terms = (
        gettext(", licensed under %(licence)s (%(uri)s)") % {"licence": label, "uri": licence}
        if licence != ALL_RIGHTS_RESERVED
        else ""
    )
    return f"“{view.get('title') or gettext('Untitled')}”{by}, {site_name}, {page_url}{terms}."


def context_links(archive: Archive, view: dict[str, Any]) -> dict[str, Any]:
    convenings = {c["slug"]: c for c in archive.catalogue.list_convenings()}
    excursions = {e["slug"]: e for e in archive.catalogue.list_excursions()}
    return {
        "convening": convenings.get(view.get("convening") or ""),
        "excursion": excursions.get(view.get("excursion") or ""),
    }


def presentations(archive: Archive, principal: Principal, ids: list[str]) -> list[dict[str, Any]]:
    found = []
    for artifact_id in ids:
        try:
            view = archive.reading.get_artifact(principal, UUID(artifact_id))
        except (DomainError, ValueError):
            continue
        found.append({"id": artifact_id, "title": view.get("title") or "Untitled"})
    return found


def lineage(
    adaptations: AdaptationService, principal: Principal, view: dict[str, Any]
) -> dict[str, Any]:
    if not view.get("adapted_from") and not (view.get("adaptations") or {}).get("count"):
        return {}
    try:
        graph = adaptations.lineage(principal, UUID(view["id"]))
    except DomainError:
        return {}
    here = graph["artifact"]
    return {
        "ancestors": [n for n in graph["nodes"] if n["generation"] < 0],
        "descendants": [n for n in graph["nodes"] if n["generation"] > 0],
        "here": here,
        "counts": graph["adaptations"],
    }


def artifact_context(
    archive: Archive,
    adaptations: AdaptationService,
    records: Records,
    principal: Principal,
    view: dict[str, Any],
    *,
    renderer: MarkdownRenderer,
    site_name: str,
    public: bool,
    draft: bool = False,
) -> dict[str, Any]:
    """The page's context; ``renderer`` renders public work (drafts use ``PRIVATE_RENDERER``)."""
    renderer = renderer if public else PRIVATE_RENDERER
    page_url = records.page_url(view["id"])
    return {
        "artifact": view,
        "kind": kind_label(view.get("kind")),
        "body_html": renderer.render(view.get("body") or ""),
        "media": media_items(view, public=public),
        "crumbs": place_crumbs(archive, view.get("place")),
        "term_groups": grouped_terms(archive, view.get("terms") or []),
        "stage": stage_label(archive, view.get("stage")),
        "attribution": attribution(view, page_url, site_name),
        "page_url": page_url,
        "presentations": presentations(archive, principal, view.get("presentations") or []),
        "lineage": {} if draft else lineage(adaptations, principal, view),
        "source_page": page_of(view.get("adapted_from") or {}),
        "demo_notice": fiction.artifact_notice(archive, view),
        "licence_help": LICENCE_HELP.get(view.get("licence") or ALL_RIGHTS_RESERVED, ""),
        **context_links(archive, view),
    }
