"""Responses: members respond to a published artifact; editors moderate; authors withdraw.

An approved response is shown to whoever may read its artifact; a pending or
declined one only to its author and the editors; a withdrawn one, or any response
of a withdrawn artifact, to nobody. Responses never reach the search index, the
feeds, OAI-PMH or packages; one whose author chose ``syndicate`` appears, once
approved, as a ``comment`` in the artifact's JSON-LD.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from domain.response import MAX_REASON, MAX_TEXT
from domain.results import CommandResult
from services.api.deps import ArchiveDep, PrincipalDep
from services.api.response_views import shown
from services.api.responses import JSON, etag_for

router = APIRouter(tags=["responses"])
PRIVATE = {"Cache-Control": "private, no-store"}


class ResponseRequest(BaseModel):
    """A reflection on the artifact, in Markdown; ``syndicate`` lets it travel, once
    approved, as a comment in the artifact's JSON-LD (it never does otherwise)."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    syndicate: bool = False


class DeclineRequest(BaseModel):
    """Why the response is declined; its author sees this reason."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]


class ResponseOut(BaseModel):
    id: str
    artifact_id: str
    author_name: str
    text: str
    html: str = Field(description="The text rendered from Markdown and sanitised")
    status: Literal["pending", "approved", "declined", "withdrawn"]
    syndicate: bool
    submitted_at: datetime
    version: int
    mine: bool = Field(description="Whether the caller wrote it")
    reason: str | None = Field(None, description="Why it was declined (its author, editors)")
    artifact_title: str | None = None


class ResponseList(BaseModel):
    items: list[ResponseOut]


def _one(archive: ArchiveDep, principal: PrincipalDep, result: CommandResult, status: int) -> JSON:
    found = shown(archive.responses.get(principal, result.id))
    headers = {**PRIVATE, "ETag": etag_for(result.version)}
    if status == 201:
        headers["Location"] = f"/api/v1/responses/{result.id}"
    return JSON({**found, "position": result.position}, status, headers)


def _items(found: list[dict[str, Any]]) -> JSON:
    return JSON({"items": [shown(item) for item in found]}, 200, PRIVATE)


@router.post(
    "/api/v1/artifacts/{artifact_id}/responses", status_code=201, response_model=ResponseOut
)
def respond(
    artifact_id: UUID, body: ResponseRequest, archive: ArchiveDep, principal: PrincipalDep
) -> JSON:
    """Respond to a published artifact you may read (members and above).

    The response waits for an editor's moderation; until then only you and the
    editors see it."""
    result = archive.responses.submit(principal, artifact_id, body.text, body.syndicate)
    return _one(archive, principal, result, 201)


@router.get("/api/v1/artifacts/{artifact_id}/responses", response_model=ResponseList)
def artifact_responses(artifact_id: UUID, archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """The approved responses to an artifact, oldest first, with your own (and, for
    editors, every) pending or declined one."""
    return _items(archive.responses.of_artifact(principal, artifact_id))


@router.get("/api/v1/responses", response_model=ResponseList)
def moderation_queue(archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """The responses waiting for moderation, oldest first (editors)."""
    return _items(archive.responses.queue(principal))


@router.get("/api/v1/responses/{response_id}", response_model=ResponseOut)
def one_response(response_id: UUID, archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """One response, if you may see it."""
    found = shown(archive.responses.get(principal, response_id))
    return JSON(found, 200, {**PRIVATE, "ETag": etag_for(int(found["version"]))})


@router.post("/api/v1/responses/{response_id}/approve", response_model=ResponseOut)
def approve(response_id: UUID, archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """Approve a pending response (editors): its artifact's readers see it from now on."""
    return _one(archive, principal, archive.responses.approve(principal, response_id), 200)


@router.post("/api/v1/responses/{response_id}/decline", response_model=ResponseOut)
def decline(
    response_id: UUID, body: DeclineRequest, archive: ArchiveDep, principal: PrincipalDep
) -> JSON:
    """Decline a pending response with a reason (editors); its author sees the reason."""
    result = archive.responses.decline(principal, response_id, body.reason)
    return _one(archive, principal, result, 200)


@router.post("/api/v1/responses/{response_id}/withdraw", status_code=204, response_class=Response)
def withdraw(response_id: UUID, archive: ArchiveDep, principal: PrincipalDep) -> Response:
    """Withdraw your own response, whatever its state: it is gone at once, everywhere."""
    archive.responses.withdraw(principal, response_id)
    return Response(status_code=204, headers=PRIVATE)
