"""The review conversation: return a draft with comments, answer them, read them.

Only a draft's contributors and the editors see its conversation; for anyone
else the draft does not exist (404), as everywhere else in the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field

from services.api.artifact_answers import AnswersDep
from services.api.deps import ArchiveDep, IfMatchDep, PrincipalDep, parse_if_match
from services.api.responses import JSON, etag_for
from services.api.routes.artifacts import router as artifacts_router
from services.api.schemas import ArtifactOut

router = APIRouter(prefix=artifacts_router.prefix, tags=["review"])

Text = Annotated[str, Field(max_length=5000)]


class ReturnRequest(BaseModel):
    """Comments for the partner: a general one, and one per field (at least one in all)."""

    model_config = ConfigDict(extra="forbid")
    general: Text = ""
    fields: dict[Annotated[str, Field(max_length=40)], Text] = Field(
        default_factory=dict,
        max_length=40,
        description='Comments on named fields of the draft, e.g. {"title": "Shorter?"}',
    )


class AnswerRequest(BaseModel):
    """An answer to one comment (``comment_id``) or, without it, to the conversation."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    comment_id: Annotated[str | None, Field(max_length=80)] = None


class AnswerOut(BaseModel):
    at: datetime
    by: str
    version: int
    comment_id: str | None
    text: str


class CommentOut(BaseModel):
    id: str
    field: str | None = Field(description="The field commented on; null for a general comment")
    text: str
    answers: list[AnswerOut]


class ReturnOut(BaseModel):
    at: datetime
    by: str
    version: int
    comments: list[CommentOut]
    answers: list[AnswerOut] = Field(description="General answers given after this return")


class ConversationOut(BaseModel):
    id: str
    version: int
    in_review: bool
    returns: list[ReturnOut]


@router.post("/{artifact_id}/return", response_model=ArtifactOut)
def return_artifact(
    artifact_id: UUID,
    body: ReturnRequest,
    archive: ArchiveDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Return a draft waiting for review to its contributors with comments (editors).

    The draft leaves the review queue; its contributors see the comments beside it,
    answer them, revise and submit it again. Needs If-Match."""
    result = archive.review.return_draft(
        principal, artifact_id, expected, general=body.general, fields=body.fields
    )
    return answers.written(principal, result)


@router.post("/{artifact_id}/comments", status_code=201, response_model=ConversationOut)
def answer_comment(
    artifact_id: UUID,
    body: AnswerRequest,
    archive: ArchiveDep,
    principal: PrincipalDep,
    if_match: Annotated[str | None, Header()] = None,
) -> JSON:
    """Answer a returned comment, or the conversation in general (contributors, editors).

    If-Match is optional; when sent, the answer is refused (412) if the artifact changed."""
    expected = parse_if_match(if_match) if if_match else None
    result = archive.review.answer(
        principal, artifact_id, body.text, comment_id=body.comment_id, expected_version=expected
    )
    return _conversation(archive.review.conversation(principal, artifact_id), 201, result.version)


@router.get("/{artifact_id}/conversation", response_model=ConversationOut)
def conversation(artifact_id: UUID, archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """The review conversation: every return with its comments and answers.

    Only the draft's contributors and the editors may read it."""
    found = archive.review.conversation(principal, artifact_id)
    return _conversation(found, 200, int(found["version"]))


def _conversation(found: dict[str, Any], status: int, version: int) -> JSON:
    headers = {"ETag": etag_for(version), "Cache-Control": "private, no-store"}
    return JSON(found, status, headers)
