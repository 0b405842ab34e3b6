"""How the artifact routes answer: the view as JSON, with rendered body and adaptations.

Routes that change an artifact (artifacts, media, adaptations) ask for ``AnswersDep``
and answer with ``answers.written(principal, result)``; the answer is built from the
archive, the adaptation service, the Markdown renderer and the site's base URL, each
reached through its own dependency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends

from domain.access import Principal
from domain.app.adaptation_reports import reader_summary
from domain.app.adaptations import AdaptationService
from domain.application import Archive, CommandResult
from infra.markdown import MarkdownRenderer
from services.api.deps import AdaptationsDep, ArchiveDep, RendererDep, SettingsDep
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


async def artifact_answers(
    archive: ArchiveDep, adaptations: AdaptationsDep, renderer: RendererDep, settings: SettingsDep
) -> ArtifactAnswers:
    return ArtifactAnswers(archive, adaptations, renderer, settings.base_url)


AnswersDep = Annotated[ArtifactAnswers, Depends(artifact_answers)]
