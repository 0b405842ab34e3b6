"""Language versions: translating an artifact into another language."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from domain.app.translations import CrossSiteTranslations
from services.api.artifact_answers import AnswersDep
from services.api.deps import AdaptationsDep, ArchiveDep, PrincipalDep
from services.api.responses import JSON
from services.api.schemas import ArtifactOut
from services.api.urls import absolute

router = APIRouter(prefix="/api/v1", tags=["artifacts"])


class TranslationRequest(BaseModel):
    language: str = Field(max_length=35, description="The translation's language tag, e.g. es")
    translator: str = Field(
        default="", max_length=200, description="Who translates it (credited); you by default"
    )


@router.post("/artifacts/{artifact_id}/translations", status_code=201, response_model=ArtifactOut)
def translate_artifact(
    artifact_id: UUID,
    body: TranslationRequest,
    archive: ArchiveDep,
    answers: AnswersDep,
    principal: PrincipalDep,
) -> JSON:
    """Start a translation (partners and editors): a new draft in ``language`` with the
    original's content, linked to it, crediting the translator."""
    result = archive.translations.translate(
        principal, artifact_id, body.language, translator=body.translator
    )
    # Without the command's view, the answer is read again with the language versions.
    return answers.written(principal, replace(result, view=None), status=201)


class RemoteTranslationRequest(TranslationRequest):
    source_url: str = Field(max_length=2000, description="The JSON-LD address of the work")
    place: str = Field(max_length=80, description="The place (slug) the translation is for")


@router.post("/translations", status_code=201, response_model=ArtifactOut)
def translate_from_address(
    body: RemoteTranslationRequest,
    adaptations: AdaptationsDep,
    answers: AnswersDep,
    principal: PrincipalDep,
) -> JSON:
    """Start a translation of the work at ``source_url``, here or on another Commonplace
    site (partners and editors). Another site's work keeps its lineage, as an adaptation
    does, marked as a translation."""
    result = CrossSiteTranslations(adaptations).translate(
        principal, body.source_url, body.place, body.language, translator=body.translator
    )
    return answers.written(principal, replace(result, view=None), status=201)


def with_version_urls(base_url: str, view: dict[str, Any]) -> dict[str, Any]:
    """The view's language versions with the address of each one's page and API."""
    translations = [
        {
            **version,
            "url": absolute(base_url, f"/artifacts/{version['id']}"),
            "api": absolute(base_url, f"/api/v1/artifacts/{version['id']}"),
        }
        for version in view.get("translations") or []
    ]
    return {**view, "translations": translations}
