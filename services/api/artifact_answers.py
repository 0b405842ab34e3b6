"""How the artifact routes answer: the view as JSON, with rendered body and adaptations.

Routes that change an artifact (artifacts, media, adaptations) ask for ``AnswersDep``
and answer with ``answers.written(principal, result)``; the answer is built from the
archive, the adaptation service, the Markdown renderer and the site's base URL, all
taken from the container in one dependency. The artifact's own edits ask for ``EditDep``
instead: the principal, the ``If-Match`` version and the answers in one dependency,
since FastAPI's solving of each dependency costs a request more than the work in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from domain.access import Principal
from domain.app.adaptation_reports import reader_summary
from domain.app.adaptations import AdaptationService
from domain.application import Archive, CommandResult
from infra.bootstrap import Container
from infra.markdown import MarkdownRenderer
from services.api.deps import IfMatchHeader, current_principal, parse_if_match
from services.api.responses import JSON, etag_for
from services.api.urls import absolute


@dataclass(frozen=True)
class ArtifactAnswers:
    archive: Archive
    adaptations: AdaptationService
    renderer: MarkdownRenderer
    base_url: str

    def adaptations_for(self, principal: Principal, view: dict[str, Any]) -> dict[str, Any] | None:
        """The view's adaptation summary as ``principal`` may see it (as the lineage graph does)."""
        return reader_summary(self.archive, self.adaptations.site, principal, view)

    def json(self, view: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """The view with its body rendered as HTML."""
        return {**view, "body_html": self.renderer.render(view.get("body") or ""), **extra}

    def written(self, principal: Principal, result: CommandResult, status: int = 200) -> JSON:
        """The artifact's working draft after a command, with its ETag and log position."""
        view = (
            self.archive.reading.with_persons(principal, result.view)
            if result.view
            else self.archive.reading.get_artifact(principal, UUID(result.id), draft=True)
        )
        location = absolute(self.base_url, f"/api/v1/artifacts/{result.id}")
        headers = {"ETag": etag_for(view["version"]), "Location": location}
        if not result.created and status == 201:
            status, headers["Idempotent-Replayed"] = 200, "true"
        view = {**view, "adaptations": self.adaptations_for(principal, view)}
        return JSON(self.json(view, position=result.position), status, headers)


@dataclass(frozen=True)
class Edit:
    """An edit of one artifact: who asks, the version they edited, and how to answer."""

    principal: Principal
    expected: int
    answers: ArtifactAnswers


def answers_for(request: Request) -> ArtifactAnswers:
    container: Container = request.app.state.container
    return ArtifactAnswers(
        container.archive, container.adaptations, container.renderer, container.settings.base_url
    )


async def artifact_answers(request: Request) -> ArtifactAnswers:
    return answers_for(request)


async def artifact_edit(request: Request, if_match: IfMatchHeader = None) -> Edit:
    """As ``PrincipalDep`` then ``IfMatchDep``: a bad token is refused (401) before a
    missing (428) or malformed (400) ``If-Match``."""
    principal = await current_principal(request)
    return Edit(principal, parse_if_match(if_match), answers_for(request))


AnswersDep = Annotated[ArtifactAnswers, Depends(artifact_answers)]
EditDep = Annotated[Edit, Depends(artifact_edit)]
