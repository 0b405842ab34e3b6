"""Browsing: frameworks and their terms, places and what is inside them, and the map."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import Response

from domain.app.search import SearchRequest
from domain.application import Archive
from domain.errors import NotFound
from infra.demo import fiction
from services.api.deps import ArchiveDep, SearchDep
from services.api.web import worldmap
from services.api.web.counts import broader_totals
from services.api.web.routes.common import ViewerDep, page_router
from services.api.web.routes.reading import hit_views
from services.api.web.searching import PER_PAGE, SearchState, pages
from services.api.web.templating import render
from services.api.web.vocab import PRINCIPLES, framework_trees, place_tree

router = page_router()
PageNumber = Annotated[int, Query(ge=1, le=1000)]
NEARBY_KM = 150.0
CLUSTER_DEPTH = 2  # country, region, city


def _framework(archive: Archive, framework_id: str) -> Any:
    for framework in framework_trees(archive):
        if framework.id == framework_id:
            return framework
    raise NotFound(f"There is no framework called {framework_id!r}.")


@router.get("/terms/{framework_id}")
def framework_page(
    framework_id: str,
    request: Request,
    archive: ArchiveDep,
    search: SearchDep,
    viewer: ViewerDep,
) -> Response:
    framework = _framework(archive, framework_id)
    result = search.search(viewer.principal, SearchRequest(per_page=1))
    counts = {v["term"]: v["count"] for v in result["facets"]["frameworks"].get(framework_id, [])}
    counts.update(broader_totals(search, viewer.principal, framework))
    context = {"framework": framework, "counts": counts}
    return render(request, viewer, "framework.html", context)


@router.get("/terms/{framework_id}/{term_id}")
def term_page(
    framework_id: str,
    term_id: str,
    request: Request,
    archive: ArchiveDep,
    search: SearchDep,
    viewer: ViewerDep,
    page: PageNumber = 1,
) -> Response:
    data = search.browse_term(viewer.principal, framework_id, term_id, page, PER_PAGE)
    framework = _framework(archive, framework_id)
    term = next(t for t in framework.all_terms() if t.id == term_id)
    parent = next((t for t in framework.terms if t.id == term.parent), None)
    siblings = [c for c in (parent.children if parent else []) if c.id != term_id]
    param = {"principle": (term_id,)} if framework_id == PRINCIPLES else {"term": (term.key,)}
    results = data["artifacts"]
    context = {
        "framework": framework,
        "term": term,
        "parent": parent,
        "siblings": siblings,
        "hits": hit_views(results["hits"]),
        "total": results["total"],
        "page": page,
        "pages": pages(page, results["total"]),
        "search_url": SearchState(**param).url(),
    }
    return render(request, viewer, "term.html", context)


@router.get("/places")
def places_page(
    request: Request, archive: ArchiveDep, search: SearchDep, viewer: ViewerDep
) -> Response:
    result = search.search(viewer.principal, SearchRequest(per_page=1))
    counts = {p["place"]: p["count"] for p in result["facets"]["places"]}
    context = {"places": place_tree(archive), "counts": counts}
    return render(request, viewer, "places.html", context)


@router.get("/places/{slug}")
def place_page(
    slug: str,
    request: Request,
    archive: ArchiveDep,
    search: SearchDep,
    viewer: ViewerDep,
    page: PageNumber = 1,
) -> Response:
    principal = viewer.principal
    data = search.browse_place(principal, slug, page, PER_PAGE)
    place = data["place"]
    results = data["artifacts"]
    inside = {h["id"] for h in results["hits"]}
    nearby: list[dict[str, Any]] = []
    if place["lat"] is not None:
        near = search.search(
            principal,
            SearchRequest(
                near=f"{place['lat']},{place['lon']}",
                radius_km=NEARBY_KM,
                sort="distance",
                per_page=PER_PAGE + len(inside),
            ),
        )
        outside = [
            h for h in near["hits"] if h["id"] not in inside and slug not in (h.get("place") or "")
        ]
        within = archive.catalogue.places_within(slug)
        nearby = hit_views([h for h in outside if h.get("place") not in within][:5])
    points = _points(archive, results["facets"]["places"], within_of=slug)
    context = {
        "place": place,
        "hits": hit_views(results["hits"]),
        "total": results["total"],
        "page": page,
        "pages": pages(page, results["total"]),
        "nearby": nearby,
        "nearby_km": int(NEARBY_KM),
        "map": worldmap.draw(place["name"], points, world=False) if len(points) > 1 else None,
        "search_url": SearchState(place=(slug,)).url(),
        "demo_notice": fiction.place_notice(archive, slug),
    }
    return render(request, viewer, "place.html", context)


def _points(
    archive: Archive, facet_places: list[dict[str, Any]], within_of: str | None = None
) -> list[worldmap.Point]:
    """One point per place where artifacts are recorded (not counting places inside it)."""
    counts = {p["place"]: p["count"] for p in facet_places}
    children: dict[str, int] = {}
    for entry in facet_places:
        if entry.get("parent"):
            children[entry["parent"]] = children.get(entry["parent"], 0) + entry["count"]
    allowed = archive.catalogue.places_within(within_of) if within_of else None
    points = []
    for slug, count in counts.items():
        own = count - children.get(slug, 0)
        record = archive.catalogue.get_place_record(slug)
        if own <= 0 or record is None or record.lat is None or record.lon is None:
            continue
        if allowed is not None and slug not in allowed:
            continue
        points.append(
            worldmap.Point(slug, record.name, f"/places/{slug}", own, record.lat, record.lon)
        )
    return points


@router.get("/map")
def map_page(
    request: Request, archive: ArchiveDep, search: SearchDep, viewer: ViewerDep
) -> Response:
    """Where artifacts come from: a world map and a close-up of each country."""
    result = search.search(viewer.principal, SearchRequest(per_page=1))
    facet_places = result["facets"]["places"]
    points = _points(archive, facet_places)
    clustered = _clusters(archive, points)
    countries = [p for p in place_tree(archive) if p.depth == 0]
    counts = {p["place"]: p["count"] for p in facet_places}
    close_ups = []
    for country in countries:
        inside = _points(archive, facet_places, within_of=country.slug)
        if inside:
            drawn = worldmap.draw(country.name, inside, world=False, width=720)
            close_ups.append({"place": country, "map": drawn, "count": counts.get(country.slug)})
    context = {
        "world": worldmap.draw("The world", clustered, world=True),
        "close_ups": close_ups,
        "points": sorted(points, key=lambda p: (-p.count, p.label)),
        "total": result["total"],
    }
    return render(request, viewer, "map.html", context)


def _clusters(archive: Archive, points: list[worldmap.Point]) -> list[worldmap.Point]:
    """For the world map: points gathered under their city (or the nearest place above)."""
    groups: dict[str, list[worldmap.Point]] = {}
    for point in points:
        chain = [p.slug for p in archive.catalogue.place_ancestors(point.slug)] + [point.slug]
        groups.setdefault(chain[min(CLUSTER_DEPTH, len(chain) - 1)], []).append(point)
    clustered = []
    for slug, members in groups.items():
        record = archive.catalogue.get_place_record(slug)
        name = record.name if record else slug
        clustered.append(
            worldmap.Point(
                slug,
                name,
                f"/places/{slug}",
                sum(m.count for m in members),
                sum(m.lat for m in members) / len(members),
                sum(m.lon for m in members) / len(members),
            )
        )
    return clustered
