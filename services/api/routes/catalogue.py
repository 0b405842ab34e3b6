"""Vocabulary and context: frameworks, places, convenings and excursions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from domain.application import CommandResult
from services.api.deps import ArchiveDep, ContainerDep, IfMatchDep, PrincipalDep
from services.api.problems import BadRequest
from services.api.responses import JSON, etag_for
from services.api.schemas import ConveningIn, ExcursionIn, FrameworkIn, PlaceIn, PlacePatch
from services.api.urls import absolute

router = APIRouter(prefix="/api/v1", tags=["vocabulary and context"])


def created(result: CommandResult, view: dict[str, Any], location: str) -> JSON:
    status = 201 if result.position is not None else 200
    headers = {"Location": location, "ETag": etag_for(result.version)}
    return JSON({**view, "position": result.position}, status, headers)


@router.get("/frameworks")
async def list_frameworks(archive: ArchiveDep) -> JSON:
    """Every framework with its terms (and stages, where it has them)."""
    return JSON({"items": archive.list_frameworks()})


@router.get("/frameworks/{framework_id}")
async def get_framework(framework_id: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.get_framework(framework_id))


@router.put("/frameworks/{framework_id}")
async def put_framework(
    framework_id: str,
    body: FrameworkIn,
    archive: ArchiveDep,
    principal: PrincipalDep,
    container: ContainerDep,
) -> JSON:
    """Add a framework or replace its terms (editors). Frameworks are data."""
    if body.id != framework_id:
        raise BadRequest(f"The body's id {body.id!r} differs from the URL's {framework_id!r}.")
    result = archive.define_framework(principal, body.model_dump())
    location = absolute(container.settings.base_url, f"/api/v1/frameworks/{body.id}")
    return created(result, archive.get_framework(framework_id), location)


@router.get("/places")
async def list_places(archive: ArchiveDep, kind: str | None = None) -> JSON:
    return JSON({"items": archive.list_places(kind)})


@router.get("/places/{slug}")
async def get_place(slug: str, archive: ArchiveDep) -> JSON:
    """A place with the places around it (ancestors) and inside it (children)."""
    return JSON(archive.get_place(slug))


@router.post("/places", status_code=201)
async def create_place(
    body: PlaceIn, archive: ArchiveDep, principal: PrincipalDep, container: ContainerDep
) -> JSON:
    """Register a place (editors)."""
    result = archive.register_place(principal, body.model_dump())
    location = absolute(container.settings.base_url, f"/api/v1/places/{body.slug}")
    return created(result, archive.get_place(body.slug), location)


@router.patch("/places/{slug}")
async def update_place(
    slug: str, body: PlacePatch, archive: ArchiveDep, principal: PrincipalDep, _: IfMatchDep
) -> JSON:
    """Change a place (editors)."""
    result = archive.update_place(principal, slug, body.model_dump(exclude_unset=True))
    return JSON(
        {**archive.get_place(slug), "position": result.position},
        headers={"ETag": etag_for(result.version)},
    )


@router.get("/convenings")
async def list_convenings(archive: ArchiveDep) -> JSON:
    return JSON({"items": archive.list_convenings()})


@router.get("/convenings/{slug}")
async def get_convening(slug: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.get_convening(slug))


@router.post("/convenings", status_code=201)
async def create_convening(
    body: ConveningIn, archive: ArchiveDep, principal: PrincipalDep, container: ContainerDep
) -> JSON:
    """Schedule a convening (editors)."""
    data = body.model_dump()
    data.update(starts=body.starts.isoformat(), ends=body.ends.isoformat())
    result = archive.schedule_convening(principal, data)
    location = absolute(container.settings.base_url, f"/api/v1/convenings/{body.slug}")
    return created(result, archive.get_convening(body.slug), location)


@router.get("/excursions")
async def list_excursions(archive: ArchiveDep, convening: str | None = None) -> JSON:
    return JSON({"items": archive.list_excursions(convening)})


@router.get("/excursions/{slug}")
async def get_excursion(slug: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.get_excursion(slug))


@router.post("/excursions", status_code=201)
async def create_excursion(
    body: ExcursionIn, archive: ArchiveDep, principal: PrincipalDep, container: ContainerDep
) -> JSON:
    """Plan a learning excursion inside a convening (editors)."""
    data = body.model_dump()
    data["date"] = body.date.isoformat() if body.date else None
    result = archive.plan_excursion(principal, data)
    location = absolute(container.settings.base_url, f"/api/v1/excursions/{body.slug}")
    return created(result, archive.get_excursion(body.slug), location)
