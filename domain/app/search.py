"""The query side of search: checks what people ask for against the catalogue,
runs it on the search index (a port), and labels the facets for display.

``SearchRequest`` is the one shape of a search as people ask for it: the API's
query parameters, the search page's URL and the feeds' filters all become one,
with the names they have there (``principle``, ``term``, ``place``, ``kind``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from domain.access import Principal
from domain.app.search_language import query_language
from domain.app.translations import versions_of
from domain.application import Archive
from domain.errors import InvalidInput, NotFound
from domain.ports.clock import Clock
from domain.ports.search import (
    MORE,
    IndexerStatus,
    SearchIndex,
    SearchQuery,
    SearchResult,
    Sort,
)
from domain.values import KINDS

PRINCIPLES = "principles"  # the framework a bare ``principle`` belongs to
SORTS: tuple[Sort, ...] = ("relevance", "newest", "distance")


@dataclass(frozen=True)
class SearchRequest:
    """A search as asked (over the API, by the search page, by a feed), before checking."""

    q: str = ""
    principle: tuple[str, ...] = ()  # principles of practice, bare or as principles:TERM
    term: tuple[str, ...] = ()  # any framework term, FRAMEWORK:TERM
    place: tuple[str, ...] = ()  # place slugs; each includes the places inside it
    near: str | None = None  # LAT,LNG
    radius_km: float | None = None
    kind: tuple[str, ...] = ()  # any of
    convening: str | None = None
    excursion: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    language: str | None = None
    licence: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facet_limit: int | None = None  # None: every facet value (see infra.search.facet_caps)
    more: str | None = None  # one facet, as the API names it (``MORE``), in full
    lang: str | None = None  # the reader's language (the interface's), a BCP 47 tag

    @property
    def terms(self) -> tuple[str, ...]:
        """Every framework term asked for, principles included, as FRAMEWORK:TERM."""
        principles = tuple(p if ":" in p else f"{PRINCIPLES}:{p}" for p in self.principle)
        return principles + self.term


class SearchService:
    def __init__(
        self, archive: Archive, index: SearchIndex, status: IndexerStatus, clock: Clock
    ) -> None:
        self.archive = archive
        self.index = index
        self.indexer = status
        self.clock = clock

    # -- searching -----------------------------------------------------------

    def search(self, principal: Principal, request: SearchRequest) -> dict[str, Any]:
        query = self.query_for(principal, request)
        result = self.index.search(query)
        return self.present(query, result)

    def count(self, principal: Principal, request: SearchRequest) -> int:
        """How many artifacts ``principal`` would find (no hits, no facets)."""
        query = replace(self.query_for(principal, request), per_page=1, facets=False)
        return self.index.search(query).total

    def query_for(self, principal: Principal, request: SearchRequest) -> SearchQuery:
        near = parse_near(request.near) if request.near else None
        sort = next((s for s in SORTS if s == request.sort), None)
        if sort is None:
            raise InvalidInput("sort must be relevance, newest or distance.", field="sort")
        if sort == "distance" and near is None:
            raise InvalidInput("Sorting by distance needs near=LAT,LNG.", field="sort")
        if request.radius_km is not None and near is None:
            raise InvalidInput("radius_km needs near=LAT,LNG.", field="radius_km")
        for kind in request.kind:
            if kind not in KINDS:
                raise InvalidInput(
                    f"Unknown kind {kind!r}; use one of: {', '.join(KINDS)}.", field="kind"
                )
        if request.more is not None and request.more not in MORE:
            raise InvalidInput(f"more must be one of: {', '.join(MORE)}.", field="more")
        return SearchQuery(
            q=request.q,
            terms=tuple(self.check_term(t) for t in request.terms),
            places=tuple(self.check_place(p) for p in request.place),
            near=near,
            radius_km=request.radius_km if near else None,
            kinds=request.kind,
            convening=request.convening,
            excursion=request.excursion,
            year_from=request.year_from,
            year_to=request.year_to,
            language=request.language,
            licence=request.licence,
            lang=query_language(request.q, request.lang),
            include_members=principal.is_member,
            sort=sort,
            page=request.page,
            per_page=request.per_page,
            facet_limit=request.facet_limit,
            facet_more=MORE.get(request.more or ""),
        )

    def check_term(self, term: str) -> str:
        """``principles:lead-with-learning``, or a bare term id if it names one term only."""
        frameworks = self.archive.catalogue.frameworks()
        if ":" not in term:
            owners = [f.slug for f in frameworks if term in f.term_ids()]
            if len(owners) == 1:
                return f"{owners[0]}:{term}"
        framework_id, _, term_id = term.partition(":")
        for framework in frameworks:
            if framework.slug == framework_id and term_id in framework.term_ids():
                return term
        raise InvalidInput(
            f"Unknown framework term {term!r}. Write FRAMEWORK:TERM, for example "
            "principles:lead-with-learning; see /api/v1/frameworks.",
            field="principle",
        )

    def check_place(self, slug: str) -> str:
        if self.archive.catalogue.get_place_record(slug) is None:
            raise InvalidInput(f"Unknown place {slug!r}; see /api/v1/places.", field="place")
        return slug

    # -- presenting ----------------------------------------------------------

    def present(self, query: SearchQuery, result: SearchResult) -> dict[str, Any]:
        if result.hits:
            self.archive.translations.index.refresh()  # once for the page, not for each hit
        return {
            "total": result.total,
            "page": query.page,
            "per_page": query.per_page,
            "hits": [
                {
                    "id": hit.id,
                    "kind": hit.document.get("kind"),
                    "title": hit.document.get("title"),
                    "summary": hit.document.get("summary"),
                    "snippet": hit.snippet,
                    "place": hit.document.get("place"),
                    "place_names": hit.document.get("place_names"),
                    "terms": hit.document.get("terms"),
                    "year": hit.document.get("year"),
                    "members_only": hit.document.get("members_only"),
                    "media": hit.document.get("media", []),
                    # The persons it lists, by credited name (their ids stay in the index).
                    "persons": [
                        {"name": p["name"], "role": p["role"]}
                        for p in hit.document.get("persons") or []
                        if p.get("name")
                    ],
                    "distance_km": round(hit.distance_km, 2)
                    if hit.distance_km is not None
                    else None,
                    "url": f"/api/v1/artifacts/{hit.id}",
                    # Other language versions (the index was refreshed above).
                    "versions": versions_of(self, hit.id, query, refresh=False),
                }
                for hit in result.hits
            ],
            "facets": self.label_facets(result.facets),
        }

    def label_facets(self, facets: dict[str, dict[str, int]]) -> dict[str, Any]:
        labelled: dict[str, Any] = {}
        # Counts include narrower terms: a condition counts what its competencies tag.
        terms = facets.get("term_filter") or facets.get("terms", {})
        by_framework: dict[str, list[dict[str, Any]]] = {}
        for framework in self.archive.catalogue.frameworks():
            for term in framework.terms:
                key = f"{framework.slug}:{term['id']}"
                if key in terms:
                    by_framework.setdefault(framework.slug, []).append(
                        {
                            "term": key,
                            "label": term["label"],
                            "parent": term.get("parent"),
                            "count": terms[key],
                        }
                    )
        labelled["frameworks"] = by_framework
        places = []
        for slug, count in facets.get("places", {}).items():
            place = self.archive.catalogue.get_place_record(slug)
            if place is not None:
                places.append(
                    {
                        "place": slug,
                        "name": place.name,
                        "kind": place.kind,
                        "parent": place.parent,
                        "count": count,
                    }
                )
        labelled["places"] = places
        labelled["kinds"] = _counted(facets.get("kind", {}), "kind")
        labelled["years"] = sorted(
            _counted(facets.get("year", {}), "year"), key=lambda v: v["year"], reverse=True
        )
        labelled["convenings"] = _counted(facets.get("convening", {}), "convening")
        labelled["languages"] = _counted(facets.get("language", {}), "language")
        return labelled

    # -- browsing ------------------------------------------------------------

    def browse_term(
        self, principal: Principal, framework_id: str, term_id: str, page: int, per_page: int
    ) -> dict[str, Any]:
        framework = self.archive.catalogue.get_framework(framework_id)
        term = next((t for t in framework["terms"] if t["id"] == term_id), None)
        if term is None:
            raise NotFound(f"No term {term_id!r} in {framework_id}.")
        key = f"{framework_id}:{term_id}"
        request = SearchRequest(term=(key,), sort="newest", page=page, per_page=per_page)
        results = self.search(principal, request)
        children = [t for t in framework["terms"] if t.get("parent") == term_id]
        return {
            "framework": {"id": framework_id, "name": framework["name"]},
            "term": {**term, "key": key},
            "children": children,
            "artifacts": results,
        }

    def browse_place(
        self, principal: Principal, slug: str, page: int, per_page: int
    ) -> dict[str, Any]:
        place = self.archive.catalogue.get_place(slug)
        request = SearchRequest(place=(slug,), sort="newest", page=page, per_page=per_page)
        results = self.search(principal, request)
        counts = {p["place"]: p["count"] for p in results["facets"]["places"]}
        for child in place["children"]:
            child["count"] = counts.get(child["slug"], 0)
        return {"place": place, "artifacts": results}

    # -- the indexer, seen from here -----------------------------------------

    def position(self) -> int:
        return self.index.position(self.archive.name)

    def status(self) -> dict[str, Any]:
        index = self.index.health()  # a missing or broken index is reported, not raised
        position = self.position() if index["state"] == "ok" else 0
        head = self.archive.head
        lag_seconds = 0.0
        if head > position:
            waiting = self.archive.recorder.select_notifications(position + 1, 1)
            if waiting:
                event: Any = self.archive.mapper.to_domain_event(waiting[0])
                lag_seconds = max(0.0, self.clock.time() - event.timestamp.timestamp())
        saved = self.indexer.load_status()
        return {
            "position": position,
            "head": head,
            "lag_events": head - position,
            "lag_seconds": round(lag_seconds, 3),
            "last_error": saved.get("last_error"),
            "last_error_at": saved.get("last_error_at"),
            "retries": saved.get("retries", 0),
            "index": index,
        }


def parse_near(value: str) -> tuple[float, float]:
    try:
        lat_text, lng_text = value.split(",")
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        raise InvalidInput(
            f"near must be LAT,LNG in decimal degrees (for example 32.22,-110.97), not {value!r}.",
            field="near",
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput("near is outside the range of latitudes and longitudes.", field="near")
    return lat, lng


def _counted(values: dict[str, int], name: str) -> list[dict[str, Any]]:
    return [{name: value, "count": count} for value, count in values.items()]
