"""Artifact routes: create, read (now or in the past), revise, submit, publish, withdraw."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from starlette.responses import Response

from domain.app.adaptation_reports import reader_summary
from domain.application import CommandResult
from services.api.deps import (
    ArchiveDep,
    ContainerDep,
    IfMatchDep,
    PrincipalDep,
    parse_if_match,
)
from services.api.responses import JSON, etag_for
from services.api.routes.syndication import jsonld_response
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
from services.api.urls import absolute

router = APIRouter(prefix="/api/v1/artifacts", tags=["artifacts"])

View = Annotated[
    Literal["published", "draft"],
    Query(description="published (what readers see) or draft (contributors and editors)"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(max_length=200, description="Retrying with the same key never creates a duplicate"),
]


def adaptations_for(
    container: ContainerDep, principal: PrincipalDep, view: dict[str, Any]
) -> dict[str, Any] | None:
    """The view's adaptation summary as ``principal`` may see it (as the lineage graph does)."""
    return reader_summary(container.archive, container.adaptations.site, principal, view)


def artifact_json(container: ContainerDep, view: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**view, "body_html": container.renderer.render(view.get("body") or ""), **extra}


def written(
    container: ContainerDep, principal: PrincipalDep, result: CommandResult, status: int = 200
) -> JSON:
    """The artifact's working draft after a command, with its ETag and log position."""
    view = result.view or container.archive.reading.get_artifact(
        principal, UUID(result.id), draft=True
    )
    location = absolute(container.settings.base_url, f"/api/v1/artifacts/{result.id}")
    headers = {"ETag": etag_for(view["version"]), "Location": location}
    if not result.created and status == 201:
        status, headers["Idempotent-Replayed"] = 200, "true"
    view = {**view, "adaptations": adaptations_for(container, principal, view)}
    return JSON(artifact_json(container, view, position=result.position), status, headers)


@router.post("", status_code=201, response_model=ArtifactOut)
def create_artifact(
    body: ArtifactCreate,
    container: ContainerDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> JSON:
    """Create a draft. Partners and editors only."""
    result = container.archive.artifacts.create(
        principal, body.kind, body.content(), idempotency_key=idempotency_key
    )
    return written(container, principal, result, status=201)


@router.get("", response_model=ArtifactPage)
def list_artifacts(
    archive: ArchiveDep,
    container: ContainerDep,
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
        return container.adaptations.visible_source(principal, item.get("adapted_from"))

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
        artifact_json(
            container,
            {
                **item,
                "adapted_from": visible(item),
                "adaptations": adaptations_for(container, principal, item),
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
    container: ContainerDep,
    principal: PrincipalDep,
    view: View = "published",
    version: Annotated[int | None, Query(ge=1)] = None,
    as_of: Annotated[datetime | None, Query(description="ISO 8601 moment")] = None,
) -> Response:
    """The latest published version, the working draft, or the artifact as it was.

    With ``Accept: application/ld+json`` the public version comes as schema.org JSON-LD."""
    if "application/ld+json" in request.headers.get("accept", "") and view == "published":
        return jsonld_response(container.records, container.archive, artifact_id)
    data = container.archive.reading.get_artifact(
        principal, artifact_id, draft=view == "draft", version=version, as_of=as_of
    )
    # Only the sources this reader may see (a members-only source stays hidden from others).
    data["adapted_from"] = container.adaptations.visible_source(principal, data.get("adapted_from"))
    data["adaptations"] = adaptations_for(container, principal, data)
    return JSON(artifact_json(container, data), headers={"ETag": etag_for(data["version"])})


@router.patch("/{artifact_id}", response_model=ArtifactOut)
def revise_artifact(
    artifact_id: UUID,
    body: ArtifactRevise,
    container: ContainerDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Revise the working draft. Needs If-Match; the published version is untouched."""
    result = container.archive.artifacts.revise(
        principal, artifact_id, expected, body.content(), note=body.note
    )
    return written(container, principal, result)


@router.post("/{artifact_id}/submit", response_model=ArtifactOut)
def submit_artifact(
    artifact_id: UUID, container: ContainerDep, principal: PrincipalDep, expected: IfMatchDep
) -> JSON:
    """Ask editors to review the current revision."""
    result = container.archive.artifacts.submit(principal, artifact_id, expected)
    return written(container, principal, result)


@router.post("/{artifact_id}/publish", response_model=ArtifactOut)
def publish_artifact(
    artifact_id: UUID,
    container: ContainerDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
    body: PublishRequest | None = None,
) -> JSON:
    """Publish a revision (editors). Every missing requirement is named at once."""
    body = body or PublishRequest()
    result = container.archive.artifacts.publish(
        principal,
        artifact_id,
        expected,
        revision_version=body.version,
        licence=body.licence,
        visibility=body.visibility,
        note=body.note,
    )
    # Adaptation notices to other sites go out from the outbox, not from this request.
    return written(container, principal, result)


@router.post("/{artifact_id}/withdraw", response_model=ArtifactOut)
def withdraw_artifact(
    artifact_id: UUID,
    body: WithdrawRequest,
    container: ContainerDep,
    principal: PrincipalDep,
    if_match: Annotated[str | None, Header()] = None,
) -> JSON:
    """Withdraw a published artifact with a reason (editors). Readers then get 410."""
    expected = parse_if_match(if_match) if if_match else None
    result = container.archive.artifacts.withdraw(principal, artifact_id, body.reason, expected)
    return written(container, principal, result)


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
