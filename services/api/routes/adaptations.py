"""Adaptations across sites: adapt, receive notices, read lineage."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from services.api.deps import ContainerDep, PrincipalDep
from services.api.responses import JSON
from services.api.routes.artifacts import written
from services.api.schemas import AdaptationNotice, AdaptationRequest

router = APIRouter(tags=["adaptations"])


@router.post("/api/v1/adaptations", status_code=201)
async def adapt(body: AdaptationRequest, container: ContainerDep, principal: PrincipalDep) -> JSON:
    """A new draft for your place, prefilled from a local or remote Commonplace artifact."""
    source = body.source.model_dump(exclude_none=True)
    result = await run_in_threadpool(
        container.adaptations.adapt, principal, source, body.place, body.kind
    )
    return written(container, principal, result, status=201)


@router.post("/api/v1/artifacts/{artifact_id}/adaptation-notices", status_code=201)
async def adaptation_notice(
    artifact_id: UUID, body: AdaptationNotice, container: ContainerDep
) -> JSON:
    """Another site reports an adaptation; it is verified by fetching its JSON-LD first."""
    answer = await run_in_threadpool(
        container.adaptations.receive_notice, artifact_id, body.adaptation_url
    )
    return JSON(answer, 201 if answer["recorded"] else 200)


@router.get("/api/v1/artifacts/{artifact_id}/lineage")
async def lineage(artifact_id: UUID, container: ContainerDep, principal: PrincipalDep) -> JSON:
    """Ancestors back to the origin and descendants, across generations and sites."""
    graph = await run_in_threadpool(container.adaptations.lineage, principal, artifact_id)
    return JSON(graph)
