"""Search, browse pages' data, and the indexer's status."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from domain.errors import InvalidInput
from domain.ports.search import DEFAULT_FACET_LIMIT
from infra.bootstrap import Container
from infra.coordination import describe
from infra.search.service import SearchRequest
from services.api.deps import ContainerDep, PrincipalDep
from services.api.problems import GatewayTimeout
from services.api.responses import JSON
from services.api.urls import search_answer

router = APIRouter(prefix="/api/v1", tags=["search"])

Page = Annotated[int, Query(ge=1, le=1000)]
PerPage = Annotated[int, Query(ge=1, le=100)]


async def wait_for_position(container: ContainerDep, after: int | None) -> None:
    """Read-your-writes: wait (bounded) until the indexer has applied ``after``."""
    if after is None:
        return
    head = await run_in_threadpool(lambda: container.archive.head)
    if after > head:
        raise InvalidInput(
            f"Position {after} is not in the archive's log, which ends at {head}: "
            "pass a position a write answered with.",
            field="after",
        )
    queries = container.queries
    deadline = time.monotonic() + container.settings.search_wait_seconds
    while (position := queries.position()) < after:
        if time.monotonic() >= deadline:
            raise GatewayTimeout(
                f"The search index has reached position {position}, not yet {after}; "
                "the indexer may be behind or stopped. Try again shortly.",
                position=position,
                wanted=after,
            )
        await asyncio.sleep(0.01)


@router.get("/search")
async def search(
    container: ContainerDep,
    principal: PrincipalDep,
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
    language: str | None = None,
    licence: str | None = None,
    sort: Literal["relevance", "newest", "distance"] = "relevance",
    page: Page = 1,
    per_page: PerPage = 20,
    after: Annotated[
        int | None, Query(ge=0, description="Wait until this position is indexed")
    ] = None,
    facet_limit: Annotated[
        int, Query(ge=1, le=1000, description="Values per facet (the most frequent)")
    ] = DEFAULT_FACET_LIMIT,
    more: Annotated[
        Literal["frameworks", "places", "kinds", "years", "convenings"] | None,
        Query(description="One facet to answer in full"),
    ] = None,
) -> JSON:
    """Full-text search with filters, facets, highlighted snippets and paging.

    Facets give the ``facet_limit`` most frequent values of each facet (per framework for
    framework terms) and every selected value. Places come as a tree opened down to the
    children of the deepest selected place: the top level, and what lies directly inside
    each selection. ``more`` names one facet to answer in full."""
    await wait_for_position(container, after)
    principles = [p if ":" in p else f"principles:{p}" for p in principle]
    request = SearchRequest(
        q=q,
        terms=tuple(principles + term),
        places=tuple(place),
        near=near,
        radius_km=radius_km,
        kinds=tuple(kind),
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
    )
    # The index is queried in a worker thread: a slow search must not hold up other requests.
    result = await run_in_threadpool(container.queries.search, principal, request)
    answer = search_answer(container.settings.base_url, result)
    return JSON({**answer, "position": container.queries.position()})


@router.get("/browse/terms/{framework_id}/{term_id}")
async def browse_term(
    framework_id: str,
    term_id: str,
    container: ContainerDep,
    principal: PrincipalDep,
    page: Page = 1,
    per_page: PerPage = 20,
) -> JSON:
    """A term's page: what it means, its narrower terms, and the artifacts tagged with it."""
    found = await run_in_threadpool(
        container.queries.browse_term, principal, framework_id, term_id, page, per_page
    )
    base = container.settings.base_url
    return JSON({**found, "artifacts": search_answer(base, found["artifacts"])})


@router.get("/browse/places/{slug}")
async def browse_place(
    slug: str,
    container: ContainerDep,
    principal: PrincipalDep,
    page: Page = 1,
    per_page: PerPage = 20,
) -> JSON:
    """A place's page: the places inside it with counts, and the artifacts from anywhere in it."""
    found = await run_in_threadpool(
        container.queries.browse_place, principal, slug, page, per_page
    )
    base = container.settings.base_url
    return JSON({**found, "artifacts": search_answer(base, found["artifacts"])})


@router.get("/indexer/status", tags=["system"])
async def indexer_status(container: ContainerDep) -> JSON:
    """Where the indexer is: position, head of the log, lag, and the last error; whether it
    runs (its heartbeat), each view it keeps (search index, publications) with its own
    errors and position, and how often ``serve`` had to restart it."""
    return JSON(await run_in_threadpool(_indexer_status, container))


def _indexer_status(container: Container) -> dict[str, object]:
    status = {**container.queries.status(), "backend": container.settings.search_backend}
    details = describe(container.coordination.load_status())
    head = int(status["head"])
    publications = container.publications.max_tracking_id(container.archive.name) or 0
    views = details["views"]
    views["search"] = {**views.get("search", {}), "position": status["position"]}
    views["publications"] = {
        **views.get("publications", {}),
        "position": publications,
        "lag_events": head - publications,
    }
    return {**status, **details}
