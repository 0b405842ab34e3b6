"""Search, browse pages' data, and the indexer's status."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from domain.app.search import SearchRequest, SearchService
from domain.errors import InvalidInput
from domain.ports.search import DEFAULT_FACET_LIMIT
from infra.coordination import Coordination, describe
from infra.readmodel.publications import Publications
from infra.settings import Settings
from services.api.deps import (
    CoordinationDep,
    PrincipalDep,
    PublicationsDep,
    SearchDep,
    SettingsDep,
)
from services.api.problems import GatewayTimeout
from services.api.responses import JSON
from services.api.urls import search_answer

router = APIRouter(prefix="/api/v1", tags=["search"])

Page = Annotated[int, Query(ge=1, le=1000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


async def wait_for_position(queries: SearchService, settings: Settings, after: int | None) -> None:
    """Read-your-writes: wait (bounded) until the indexer has applied ``after``."""
    if after is None:
        return
    head = await run_in_threadpool(lambda: queries.archive.head)
    if after > head:
        raise InvalidInput(
            f"Position {after} is not in the archive's log, which ends at {head}: "
            "pass a position a write answered with.",
            field="after",
        )
    deadline = time.monotonic() + settings.search_wait_seconds
    while (position := await run_in_threadpool(queries.position)) < after:
        if time.monotonic() >= deadline:
            raise GatewayTimeout(
                f"The search index has reached position {position}, not yet {after}; "
                "the indexer may be behind or stopped. Try again shortly.",
                position=position,
                wanted=after,
            )
        await asyncio.sleep(0.01)


async def search_request(
    q: Annotated[str, Query(max_length=500, description='Words; "a phrase"; -excluded')] = "",
    principle: Annotated[list[str], Query(description="A principle of practice")] = [],  # noqa: B006
    term: Annotated[list[str], Query(description="Any framework term, FRAMEWORK:TERM")] = [],  # noqa: B006
    place: Annotated[list[str], Query(description="A place slug (includes places inside)")] = [],  # noqa: B006
    near: Annotated[str | None, Query(description="LAT,LNG")] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=20000)] = None,
    kind: Annotated[list[str], Query()] = [],  # noqa: B006
    convening: str | None = None,
    excursion: str | None = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    language: Annotated[str | None, Query(description="Only artifacts in this language")] = None,
    licence: str | None = None,
    lang: Annotated[
        str | None,
        Query(
            max_length=35,
            description="The reader's language (es, en-GB): the words are stemmed in it and "
            "its artifacts come first. Without it, a query with ñ, ¿ or ¡ is taken as Spanish.",
        ),
    ] = None,
    sort: Literal["relevance", "newest", "distance"] = "relevance",
    page: Page = 1,
    per_page: PerPage = 20,
    facet_limit: Annotated[
        int, Query(ge=1, le=1000, description="Values per facet (the most frequent)")
    ] = DEFAULT_FACET_LIMIT,
    more: Annotated[
        Literal["frameworks", "places", "kinds", "years", "convenings", "languages"] | None,
        Query(description="One facet to answer in full"),
    ] = None,
) -> SearchRequest:
    """The search request the query parameters make (the same type the web pages use)."""
    return SearchRequest(
        q=q,
        principle=tuple(principle),
        term=tuple(term),
        place=tuple(place),
        near=near,
        radius_km=radius_km,
        kind=tuple(kind),
        convening=convening,
        excursion=excursion,
        year_from=year_from,
        year_to=year_to,
        language=language,
        licence=licence,
        sort=sort,
        page=page,
        per_page=per_page,
        facet_limit=facet_limit,
        more=more,
        lang=lang,
    )


SearchRequestDep = Annotated[SearchRequest, Depends(search_request)]


@router.get("/search")
async def search(
    queries: SearchDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    request: SearchRequestDep,
    after: Annotated[
        int | None, Query(ge=0, description="Wait until this position is indexed")
    ] = None,
) -> JSON:
    """Full-text search with filters, facets, highlighted snippets and paging.

    Facets give the ``facet_limit`` most frequent values of each facet (per framework for
    framework terms) and every selected value. Places come as a tree opened down to the
    children of the deepest selected place: the top level, and what lies directly inside
    each selection. ``more`` names one facet to answer in full."""
    await wait_for_position(queries, settings, after)
    # The index is queried in a worker thread: a slow search must not hold up other requests.
    result = await run_in_threadpool(queries.search, principal, request)
    answer = search_answer(settings.base_url, result)
    position = await run_in_threadpool(queries.position)
    return JSON({**answer, "position": position})


@router.get("/browse/terms/{framework_id}/{term_id}")
async def browse_term(
    framework_id: str,
    term_id: str,
    queries: SearchDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    page: Page = 1,
    per_page: PerPage = 20,
) -> JSON:
    """A term's page: what it means, its narrower terms, and the artifacts tagged with it."""
    found = await run_in_threadpool(
        queries.browse_term, principal, framework_id, term_id, page, per_page
    )
    return JSON({**found, "artifacts": search_answer(settings.base_url, found["artifacts"])})


@router.get("/browse/places/{slug}")
async def browse_place(
    slug: str,
    queries: SearchDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    page: Page = 1,
    per_page: PerPage = 20,
) -> JSON:
    """A place's page: the places inside it with counts, and the artifacts from anywhere in it."""
    found = await run_in_threadpool(queries.browse_place, principal, slug, page, per_page)
    return JSON({**found, "artifacts": search_answer(settings.base_url, found["artifacts"])})


@router.get("/indexer/status", tags=["system"])
async def indexer_status(
    queries: SearchDep,
    settings: SettingsDep,
    coordination: CoordinationDep,
    publications: PublicationsDep,
) -> JSON:
    """Where the indexer is: position, head of the log, lag, and the last error; whether it
    runs (its heartbeat), each view it keeps (search index, publications) with its own
    errors and position, and how often ``serve`` had to restart it."""
    return JSON(
        await run_in_threadpool(_indexer_status, queries, settings, coordination, publications)
    )


def _indexer_status(
    queries: SearchService,
    settings: Settings,
    coordination: Coordination,
    publications: Publications,
) -> dict[str, object]:
    status = {**queries.status(), "backend": settings.search_backend}
    details = describe(coordination.load_status())
    head = int(status["head"])
    applied = publications.max_tracking_id(queries.archive.name) or 0
    views = details["views"]
    views["search"] = {**views.get("search", {}), "position": status["position"]}
    views["publications"] = {
        **views.get("publications", {}),
        "position": applied,
        "lag_events": head - applied,
    }
    return {**status, **details}
