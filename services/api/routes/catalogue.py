"""Vocabulary and context: frameworks, places, convenings and excursions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from domain.application import CommandResult
from services.api.deps import ArchiveDep, IfMatchDep, PrincipalDep, SettingsDep
from services.api.problems import BadRequest
from services.api.responses import JSON, etag_for
from services.api.schemas import (
    ConveningIn,
    ExcursionIn,
    FrameworkIn,
    Leader,
    PlaceIn,
    PlacePatch,
    Strict,
)
from services.api.urls import absolute

router = APIRouter(prefix="/api/v1", tags=["vocabulary and context"])

EDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such record"},
    412: {"description": "If-Match names an older version; reload and reapply the change"},
    422: {"description": "A value is not acceptable (unknown place, dates out of order…)"},
    428: {"description": "If-Match is missing"},
}


class ConveningPatch(Strict):
    """The fields to change; those left out keep their value."""

    title: str | None = Field(None, min_length=1)
    place: str | None = Field(None, description="Slug of a place")
    starts: dt.date | None = None
    ends: dt.date | None = None
    question: str | None = None
    summary: str | None = None


class ExcursionPatch(Strict):
    """The fields to change; those left out keep their value (``date: null`` clears it)."""

    convening: str | None = Field(None, description="Slug of the convening it belongs to")
    title: str | None = Field(None, min_length=1)
    host_place: str | None = Field(None, description="Slug of the place that hosts it")
    big_question: str | None = None
    date: dt.date | None = None
    leaders: list[Leader] | None = None


def created(result: CommandResult, view: dict[str, Any], location: str) -> JSON:
    status = 201 if result.position is not None else 200
    headers = {"Location": location, "ETag": etag_for(result.version)}
    return JSON({**view, "position": result.position}, status, headers)


def edited(result: CommandResult, view: dict[str, Any]) -> JSON:
    return JSON({**view, "position": result.position}, headers={"ETag": etag_for(result.version)})


@router.get("/frameworks")
def list_frameworks(archive: ArchiveDep) -> JSON:
    """Every framework with its terms (and stages, where it has them)."""
    return JSON({"items": archive.catalogue.list_frameworks()})


@router.get("/frameworks/{framework_id}")
def get_framework(framework_id: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.catalogue.get_framework(framework_id))


@router.put("/frameworks/{framework_id}")
def put_framework(
    framework_id: str,
    body: FrameworkIn,
    archive: ArchiveDep,
    principal: PrincipalDep,
    settings: SettingsDep,
) -> JSON:
    """Add a framework or replace its terms (editors). Frameworks are data."""
    if body.id != framework_id:
        raise BadRequest(f"The body's id {body.id!r} differs from the URL's {framework_id!r}.")
    result = archive.catalogue.define_framework(principal, body.model_dump())
    location = absolute(settings.base_url, f"/api/v1/frameworks/{body.id}")
    return created(result, archive.catalogue.get_framework(framework_id), location)


@router.get("/places")
def list_places(archive: ArchiveDep, kind: str | None = None) -> JSON:
    return JSON({"items": archive.catalogue.list_places(kind)})


@router.get("/places/{slug}")
def get_place(slug: str, archive: ArchiveDep) -> JSON:
    """A place with the places around it (ancestors) and inside it (children)."""
    return JSON(archive.catalogue.get_place(slug))


@router.post("/places", status_code=201)
def create_place(
    body: PlaceIn, archive: ArchiveDep, principal: PrincipalDep, settings: SettingsDep
) -> JSON:
    """Register a place (editors)."""
    result = archive.catalogue.register_place(principal, body.model_dump())
    location = absolute(settings.base_url, f"/api/v1/places/{body.slug}")
    return created(result, archive.catalogue.get_place(body.slug), location)


@router.patch("/places/{slug}", responses=EDIT_ERRORS)
def update_place(
    slug: str, body: PlacePatch, archive: ArchiveDep, principal: PrincipalDep, version: IfMatchDep
) -> JSON:
    """Change a place (editors), sending the ETag of the version you read as If-Match."""
    archive.catalogue.check_place_version(slug, version)
    result = archive.catalogue.update_place(principal, slug, body.model_dump(exclude_unset=True))
    return edited(result, archive.catalogue.get_place(slug))


@router.get("/convenings")
def list_convenings(archive: ArchiveDep) -> JSON:
    return JSON({"items": archive.catalogue.list_convenings()})


@router.get("/convenings/{slug}")
def get_convening(slug: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.catalogue.get_convening(slug))


@router.post("/convenings", status_code=201)
def create_convening(
    body: ConveningIn, archive: ArchiveDep, principal: PrincipalDep, settings: SettingsDep
) -> JSON:
    """Schedule a convening (editors)."""
    data = body.model_dump()
    data.update(starts=body.starts.isoformat(), ends=body.ends.isoformat())
    result = archive.catalogue.schedule_convening(principal, data)
    location = absolute(settings.base_url, f"/api/v1/convenings/{body.slug}")
    return created(result, archive.catalogue.get_convening(body.slug), location)


@router.patch("/convenings/{slug}", responses=EDIT_ERRORS)
def update_convening(
    slug: str,
    body: ConveningPatch,
    archive: ArchiveDep,
    principal: PrincipalDep,
    version: IfMatchDep,
) -> JSON:
    """Change a convening (editors), sending the ETag of the version you read as If-Match."""
    changes = body.model_dump(exclude_unset=True)
    result = archive.catalogue.update_convening(principal, slug, changes, expected_version=version)
    return edited(result, archive.catalogue.get_convening(slug))


@router.get("/excursions")
def list_excursions(archive: ArchiveDep, convening: str | None = None) -> JSON:
    return JSON({"items": archive.catalogue.list_excursions(convening)})


@router.get("/excursions/{slug}")
def get_excursion(slug: str, archive: ArchiveDep) -> JSON:
    return JSON(archive.catalogue.get_excursion(slug))


@router.post("/excursions", status_code=201)
def create_excursion(
    body: ExcursionIn, archive: ArchiveDep, principal: PrincipalDep, settings: SettingsDep
) -> JSON:
    """Plan a learning excursion inside a convening (editors)."""
    data = body.model_dump()
    data["date"] = body.date.isoformat() if body.date else None
    result = archive.catalogue.plan_excursion(principal, data)
    location = absolute(settings.base_url, f"/api/v1/excursions/{body.slug}")
    return created(result, archive.catalogue.get_excursion(body.slug), location)


@router.patch("/excursions/{slug}", responses=EDIT_ERRORS)
def update_excursion(
    slug: str,
    body: ExcursionPatch,
    archive: ArchiveDep,
    principal: PrincipalDep,
    version: IfMatchDep,
) -> JSON:
    """Change an excursion (editors), sending the ETag of the version you read as If-Match."""
    changes = body.model_dump(exclude_unset=True)
    result = archive.catalogue.update_excursion(principal, slug, changes, expected_version=version)
    return edited(result, archive.catalogue.get_excursion(slug))
