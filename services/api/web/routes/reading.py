"""Pages for readers: home, search, an artifact, its history and its diffs."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from uuid import UUID

import nh3
from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from domain import policy
from domain.app.adaptation_reports import reader_summary
from domain.app.search import SearchRequest, SearchService
from domain.application import Archive
from domain.values import KINDS
from services.api.deps import AdaptationsDep, ArchiveDep, RecordsDep, SearchDep, SettingsDep
from services.api.responses import JSON
from services.api.routes.search import wait_for_position
from services.api.web import diffs
from services.api.web.counts import broader_totals
from services.api.web.facets import facet_groups, language_name
from services.api.web.i18n import LANGUAGES, N_, language_of
from services.api.web.page_parts import ArtifactPagesDep
from services.api.web.routes.common import ViewerDep, page_router
from services.api.web.searching import PER_PAGE, SearchState, near_map, pages
from services.api.web.templating import jsonld_script, kind_label, render
from services.api.web.vocab import (
    convening_titles,
    framework_trees,
    place_names,
    place_tree,
    term_labels,
)

router = page_router()
NOTICES = {
    "published": N_("Published. It is in the archive now and will be found by search."),
    "withdrawn": N_("Withdrawn. Readers now see the reason instead of the artifact."),
}


def hit_views(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search hits for a page: safe snippets, and thumbnails readable by the viewer."""
    views = []
    for hit in hits:
        image = next((m for m in hit.get("media") or [] if m.get("kind") == "image"), None)
        thumbnail = image.get("thumbnail") if image else None
        if thumbnail and hit.get("members_only"):
            thumbnail = thumbnail.replace("/media/", "/files/", 1)
        views.append(
            {
                **hit,
                "page": f"/artifacts/{hit['id']}",
                "snippet_html": nh3.clean(hit.get("snippet") or "", tags={"mark"}, attributes={}),
                "thumbnail": thumbnail,
                "thumbnail_alt": image.get("alt", "") if image else "",
            }
        )
    return views


@router.get("/")
def home(request: Request, archive: ArchiveDep, search: SearchDep, viewer: ViewerDep) -> Response:
    result = search.search(viewer.principal, SearchRequest(sort="newest", per_page=6))
    facets = result["facets"]
    counts = {v["term"]: v["count"] for values in facets["frameworks"].values() for v in values}
    frameworks = framework_trees(archive)
    for framework in frameworks[:2]:
        counts.update(broader_totals(search, viewer.principal, framework))
    place_counts = {p["place"]: p["count"] for p in facets["places"]}
    convening_counts = {c["convening"]: c["count"] for c in facets["convenings"]}
    places = [p for p in place_tree(archive) if p.depth <= 2 and p.slug in place_counts]
    context = {
        "recent": hit_views(result["hits"]),
        "total": result["total"],
        "frameworks": frameworks,
        "term_counts": counts,
        "places": places,
        "place_counts": place_counts,
        "convenings": archive.catalogue.list_convenings(),
        "convening_counts": convening_counts,
    }
    return render(request, viewer, "home.html", context)


def _search(search: SearchService, viewer: ViewerDep, state: SearchState) -> dict[str, Any]:
    return search.search(viewer.principal, state.request())


@router.get("/search")
async def search_page(
    request: Request,
    archive: ArchiveDep,
    search: SearchDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    """Search with facets. The URL holds the whole search; no JavaScript needed."""
    state = SearchState.from_query(request.query_params, language_of(request.scope))
    after = request.query_params.get("after")
    if after and after.isdigit():
        await wait_for_position(search, settings, int(after))
    return await run_in_threadpool(_search_page, request, archive, search, viewer, state)


def _search_page(
    request: Request, archive: Archive, search: SearchService, viewer: ViewerDep, state: SearchState
) -> Response:
    result = _search(search, viewer, state)
    frameworks = framework_trees(archive)
    nearby = [p for p in place_tree(archive) if p.lat is not None]
    context = {
        "state": state,
        "result": result,
        "hits": hit_views(result["hits"]),
        "groups": facet_groups(archive, state, result["facets"], frameworks),
        "pages": pages(state.page, result["total"]),
        "last_page": max(1, -(-result["total"] // PER_PAGE)),
        "frameworks": frameworks,
        "labels": term_labels(archive),
        "places": place_names(archive),
        "convenings": convening_titles(archive),
        "nearby": nearby,
        "near_map": near_map(state),
        "near_label": next(
            (p.name for p in nearby if state.near == f"{p.lat},{p.lon}"), state.near
        ),
        "api": "/search/api" if viewer.signed_in else "/api/v1/search",
    }
    context["labels_json"] = json.dumps(
        {
            "frameworks": [{"id": f.id, "name": f.name} for f in frameworks],
            "terms": context["labels"],
            "places": context["places"],
            "kinds": {k: kind_label(k) for k in KINDS},
            "convenings": context["convenings"],
            "languages": {code: language_name(code) for code in LANGUAGES},
        },
        ensure_ascii=False,
    )
    return render(request, viewer, "search.html", context)


@router.get("/search/api")
def search_json(request: Request, search: SearchDep, viewer: ViewerDep) -> JSON:
    """The same answer as /api/v1/search, for the signed-in person's own view (members-only
    work included); the search page's script uses it only when someone is signed in."""
    state = SearchState.from_query(request.query_params, language_of(request.scope))
    return JSON(_search(search, viewer, state))


@router.get("/artifacts/{artifact_id}")
def artifact_page(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    adaptations: AdaptationsDep,
    records: RecordsDep,
    artifact_pages: ArtifactPagesDep,
    viewer: ViewerDep,
    version: Annotated[int | None, Query(ge=1)] = None,
    done: str | None = None,
) -> Response:
    principal = viewer.principal
    view = archive.reading.get_artifact(principal, artifact_id, version=version)
    view["adaptations"] = reader_summary(archive, adaptations.site, principal, view)
    current = archive.artifacts.load(artifact_id)
    public = view.get("visibility") == "public"
    context = artifact_pages.context(principal, view, public=public)
    jsonld = None
    if public and (version is None or version == current.version):
        record = records.record(artifact_id)
        jsonld = jsonld_script(records.jsonld(record)) if record else None
    image = next((m for m in context["media"] if m.get("kind") == "image"), None)
    context.update(
        jsonld=jsonld,
        og_image=f"{records.base}{image['large']}" if image and public else None,
        past_version=version is not None and version != current.version,
        current_version=current.version,
        may_edit=viewer.signed_in and policy.may_see_draft(principal, current),
        may_withdraw=viewer.is_editor and current.status == "published",
        notice=NOTICES.get(done or ""),
        downloads=public,
    )
    return render(request, viewer, "artifact.html", context)


@router.get("/artifacts/{artifact_id}/history")
def history_page(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    principal = viewer.principal
    current = archive.artifacts.load(artifact_id)
    full = viewer.signed_in and policy.may_see_draft(principal, current)
    entries = archive.reading.artifact_history(principal, artifact_id, draft=full)
    if not full:
        policy.check_readable(principal, current)
    view = archive.reading.get_artifact(principal, artifact_id, draft=full)
    versions = [e["version"] for e in entries if full or e["type"] == "Published"]
    context = {
        "artifact": view,
        "entries": list(reversed(entries)),
        "full": full,
        "versions": versions,
        "default_from": versions[-2] if len(versions) > 1 else (versions[0] if versions else 1),
        "default_to": versions[-1] if versions else 1,
    }
    return render(request, viewer, "history.html", context)


@router.get("/artifacts/{artifact_id}/diff")
def diff_page(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    viewer: ViewerDep,
    from_: Annotated[int, Query(alias="from", ge=1)],
    to: Annotated[int, Query(ge=1)],
    view: Literal["published", "draft"] = "published",
) -> Response:
    draft = view == "draft"
    diff = archive.reading.artifact_diff(viewer.principal, artifact_id, from_, to, draft=draft)
    artifact = archive.reading.get_artifact(viewer.principal, artifact_id, draft=draft)
    labels = term_labels(archive)
    places = place_names(archive)
    history = archive.reading.artifact_history(viewer.principal, artifact_id, draft=draft)
    names = diffs.step_names(history)
    context = {
        "artifact": artifact,
        "diff": diff,
        "before": diffs.step_name(names, from_),
        "after": diffs.step_name(names, to),
        "draft": draft,
        "fields": diffs.field_changes(diff["fields"], labels, places),
        "lines": diffs.body_lines(diff["body_diff"]),
    }
    return render(request, viewer, "diff.html", context)
