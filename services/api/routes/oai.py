"""OAI-PMH 2.0 at ``/oai`` (GET, or POST with form-encoded arguments).

The protocol lives in :mod:`infra.syndication.oai`; this router only hands it
the request's arguments and returns its XML. Protocol errors are OAI-PMH
error elements with HTTP 200, as the specification requires.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from infra.bootstrap import Container
from infra.syndication.oai import (
    COMMONPLACE_XSD,
    CONTENT_TYPE,
    CP_SCHEMA_PATH,
    PAGE_SIZE,
    OAIRepository,
    load_secret,
)
from services.api.deps import ContainerDep

log = logging.getLogger("commonplace.oai")

router = APIRouter(tags=["syndication"])

DESCRIPTION = (
    "OAI-PMH 2.0 repository: verbs Identify, ListMetadataFormats, ListSets, ListIdentifiers, "
    "ListRecords and GetRecord; metadata formats `oai_dc` and `commonplace`; sets `kind:*`, "
    "`principle:*` and `place:*`; deleted records are kept (persistent)."
)


def build_repository(container: Container, page_size: int = PAGE_SIZE) -> OAIRepository:
    """The OAI-PMH repository over a container (tokens signed with the site's OAI secret)."""
    settings = container.settings
    configured = settings.oai_secret
    secret = configured.encode() if configured else load_secret(settings.data_dir)
    return OAIRepository(
        archive=container.archive,
        publications=container.publications,
        records=container.records,
        base_url=settings.base_url,
        secret=secret,
        page_size=page_size,
        admin_email=settings.oai_admin_email,
        repository_name=settings.site_name,
    )


def repository(request: Request, container: Container) -> OAIRepository:
    """One repository per application, built on first use (tests may set their own)."""
    found: OAIRepository | None = getattr(request.app.state, "oai_repository", None)
    if found is None:
        found = build_repository(container)
        request.app.state.oai_repository = found
    return found


def _answer(request: Request, container: Container, arguments: list[tuple[str, str]]) -> Response:
    try:
        body = repository(request, container).respond(arguments)
    except Exception:  # the store failed, not the request: ask the harvester to come back
        log.exception("OAI-PMH request failed: %s", arguments)
        return Response(
            "The repository is unavailable; try again shortly.\n",
            status_code=503,
            media_type="text/plain",
            headers={"Retry-After": "30"},
        )
    return Response(body, media_type=CONTENT_TYPE)


@router.get("/oai", response_class=Response, summary="OAI-PMH", description=DESCRIPTION)
async def oai_get(request: Request, container: ContainerDep) -> Response:
    arguments = list(request.query_params.multi_items())
    return await run_in_threadpool(_answer, request, container, arguments)


@router.post("/oai", response_class=Response, summary="OAI-PMH", description=DESCRIPTION)
async def oai_post(request: Request, container: ContainerDep) -> Response:
    text = (await request.body()).decode("utf-8", errors="replace")
    arguments = parse_qsl(text, keep_blank_values=True, errors="replace")
    return await run_in_threadpool(_answer, request, container, arguments)


@router.get(CP_SCHEMA_PATH, response_class=Response, summary="The commonplace metadata schema")
async def commonplace_schema() -> Response:
    return Response(COMMONPLACE_XSD, media_type="application/xml")
