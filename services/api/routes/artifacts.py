"""Artifact routes: create, read (now or in the past), revise, submit, publish, withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from services.api.artifact_answers import AnswersDep, EditDep
from services.api.deps import AdaptationsDep, ArchiveDep, PrincipalDep, RecordsDep, parse_if_match
from services.api.responses import JSON, etag_for
from services.api.routes.syndication import jsonld_response
from services.api.routes.translations import with_version_urls
from services.api.schemas import (
    ArtifactCreate,
    ArtifactOut,
    ArtifactPage,
    ArtifactRevise,
    Diff,
    HistoryEntry,
    PublishRequest,
    WithdrawRequest,
)

router = APIRouter(prefix="/api/v1/artifacts", tags=["artifacts"])

View = Annotated[
    Literal["published", "draft"],
    Query(description="published (what readers see) or draft (contributors and editors)"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(max_length=200, description="Retrying with the same key never creates a duplicate"),
]


@router.post("", status_code=201, response_model=ArtifactOut)
def create_artifact(
    body: ArtifactCreate,
    answers: AnswersDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> JSON:
    """Create a draft. Partners and editors only."""
    result = answers.archive.artifacts.create(
        principal, body.kind, body.content(), idempotency_key=idempotency_key
    )
    return answers.written(principal, result, status=201)


@router.get("", response_model=ArtifactPage)
def list_artifacts(
    archive: ArchiveDep,
    adaptations: AdaptationsDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    kind: str | None = None,
    status: Literal["draft", "published", "withdrawn"] | None = None,
    place: str | None = None,
    term: str | None = None,
    mine: bool = False,
    review: Annotated[bool, Query(description="Editors: the review queue")] = False,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> JSON:
    """Artifacts you may see, oldest first, with simple filters and paging."""

    def visible(item: dict[str, Any]) -> dict[str, Any] | None:
        """Only the sources this reader may see, as for one artifact."""
        return adaptations.visible_source(principal, item.get("adapted_from"))

    page = archive.reading.list_artifacts(
        principal,
        kind=kind,
        status=status,
        place=place,
        term=term,
        mine=mine,
        in_review=review,
        after=after,
        limit=limit,
    )
    page["items"] = [
        answers.json(
            {
                **item,
                "adapted_from": visible(item),
                "adaptations": answers.adaptations_for(principal, item),
            },
        )
        for item in page["items"]
    ]
    return JSON(page)


@router.get(
    "/{artifact_id}",
    response_model=ArtifactOut,
    responses={200: {"content": {"application/ld+json": {}}}},
)
def get_artifact(
    artifact_id: UUID,
    request: Request,
    archive: ArchiveDep,
    adaptations: AdaptationsDep,
    records: RecordsDep,
    answers: AnswersDep,
    principal: PrincipalDep,
    view: View = "published",
    version: Annotated[int | None, Query(ge=1)] = None,
    as_of: Annotated[datetime | None, Query(description="ISO 8601 moment")] = None,
) -> Response:
    """The latest published version, the working draft, or the artifact as it was.

    With ``Accept: application/ld+json`` the public version comes as schema.org JSON-LD."""
    if "application/ld+json" in request.headers.get("accept", "") and view == "published":
        return jsonld_response(records, archive, artifact_id)
    data = archive.reading.get_artifact(
        principal, artifact_id, draft=view == "draft", version=version, as_of=as_of
    )
    # Only the sources this reader may see (a members-only source stays hidden from others).
    data["adapted_from"] = adaptations.visible_source(principal, data.get("adapted_from"))
    data["adaptations"] = answers.adaptations_for(principal, data)
    data = with_version_urls(answers.base_url, data)
    return JSON(answers.json(data), headers={"ETag": etag_for(data["version"])})


@router.patch("/{artifact_id}", response_model=ArtifactOut)
def revise_artifact(artifact_id: UUID, body: ArtifactRevise, edit: EditDep) -> JSON:
    """Revise the working draft. Needs If-Match; the published version is untouched."""
    result = edit.answers.archive.artifacts.revise(
        edit.principal, artifact_id, edit.expected, body.content(), note=body.note
    )
    return edit.answers.written(edit.principal, result)


@router.post("/{artifact_id}/submit", response_model=ArtifactOut)
def submit_artifact(artifact_id: UUID, edit: EditDep) -> JSON:
    """Ask editors to review the current revision."""
    result = edit.answers.archive.artifacts.submit(edit.principal, artifact_id, edit.expected)
    return edit.answers.written(edit.principal, result)


@router.post("/{artifact_id}/publish", response_model=ArtifactOut)
def publish_artifact(artifact_id: UUID, edit: EditDep, body: PublishRequest | None = None) -> JSON:
    """Publish a revision (editors). Every missing requirement is named at once."""
    body = body or PublishRequest()
    result = edit.answers.archive.artifacts.publish(
        edit.principal,
        artifact_id,
        edit.expected,
        revision_version=body.version,
        licence=body.licence,
        visibility=body.visibility,
        note=body.note,
    )
    # Adaptation notices to other sites go out from the outbox, not from this request.
    return edit.answers.written(edit.principal, result)


@router.post("/{artifact_id}/withdraw", response_model=ArtifactOut)
def withdraw_artifact(
    artifact_id: UUID,
    body: WithdrawRequest,
    answers: AnswersDep,
    principal: PrincipalDep,
    if_match: Annotated[str | None, Header()] = None,
) -> JSON:
    """Withdraw a published artifact with a reason (editors). Readers then get 410."""
    expected = parse_if_match(if_match) if if_match else None
    result = answers.archive.artifacts.withdraw(principal, artifact_id, body.reason, expected)
    return answers.written(principal, result)


@router.get("/{artifact_id}/history", response_model=list[HistoryEntry])
def artifact_history(
    artifact_id: UUID, archive: ArchiveDep, principal: PrincipalDep, view: View = "published"
) -> JSON:
    """Every event (contributors and editors, view=draft) or every publication (readers)."""
    return JSON(archive.reading.artifact_history(principal, artifact_id, draft=view == "draft"))


@router.get("/{artifact_id}/diff", response_model=Diff)
def artifact_diff(
    artifact_id: UUID,
    archive: ArchiveDep,
    principal: PrincipalDep,
    from_: Annotated[int, Query(alias="from", ge=1)],
    to: Annotated[int, Query(ge=1)],
    view: View = "published",
) -> JSON:
    """What changed between two versions: fields, and a line diff of the body."""
    return JSON(
        archive.reading.artifact_diff(principal, artifact_id, from_, to, draft=view == "draft")
    )
