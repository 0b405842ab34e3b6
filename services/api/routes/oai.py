"""OAI-PMH 2.0 at ``/oai`` (GET, or POST with form-encoded arguments).

The protocol lives in :mod:`infra.syndication.oai` and the repository is built
by the wiring point (``Container.oai``); this router only hands it the
request's arguments and returns its XML. Protocol errors are OAI-PMH
error elements with HTTP 200, as the specification requires.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from infra.syndication.oai import COMMONPLACE_XSD, CONTENT_TYPE, CP_SCHEMA_PATH, OAIRepository
from services.api.deps import OAIDep

log = logging.getLogger("commonplace.oai")

router = APIRouter(tags=["syndication"])

DESCRIPTION = (
    "OAI-PMH 2.0 repository: verbs Identify, ListMetadataFormats, ListSets, ListIdentifiers, "
    "ListRecords and GetRecord; metadata formats `oai_dc` and `commonplace`; sets `kind:*`, "
    "`principle:*` and `place:*`; deleted records are kept (persistent)."
)


def _answer(repository: OAIRepository, arguments: list[tuple[str, str]]) -> Response:
    try:
        body = repository.respond(arguments)
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
async def oai_get(request: Request, repository: OAIDep) -> Response:
    arguments = list(request.query_params.multi_items())
    return await run_in_threadpool(_answer, repository, arguments)


@router.post("/oai", response_class=Response, summary="OAI-PMH", description=DESCRIPTION)
async def oai_post(request: Request, repository: OAIDep) -> Response:
    text = (await request.body()).decode("utf-8", errors="replace")
    arguments = parse_qsl(text, keep_blank_values=True, errors="replace")
    return await run_in_threadpool(_answer, repository, arguments)


@router.get(CP_SCHEMA_PATH, response_class=Response, summary="The commonplace metadata schema")
async def commonplace_schema() -> Response:
    return Response(COMMONPLACE_XSD, media_type="application/xml")
