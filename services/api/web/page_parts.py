"""Dependencies for the artifact and editor pages, each built from the narrow
dependencies it uses (see ``services/api/deps.py``).

``ArtifactPagesDep`` shapes an artifact for its page (archive, adaptations, records,
the public renderer and the site's name); ``EditorDep`` builds the draft editor's
context (archive and search).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from domain.access import Principal
from domain.app.adaptations import AdaptationService
from domain.app.records import Records
from domain.app.search import SearchService
from domain.application import Archive
from infra.markdown import MarkdownRenderer
from services.api.deps import (
    AdaptationsDep,
    ArchiveDep,
    RecordsDep,
    RendererDep,
    SearchDep,
    SettingsDep,
)
from services.api.web.editor import conflict, editor_context
from services.api.web.presenting import artifact_context


@dataclass(frozen=True)
class ArtifactPages:
    archive: Archive
    adaptations: AdaptationService
    records: Records
    renderer: MarkdownRenderer
    site_name: str

    def context(
        self, principal: Principal, view: dict[str, Any], *, public: bool, draft: bool = False
    ) -> dict[str, Any]:
        """The artifact page's context (see ``presenting.artifact_context``)."""
        return artifact_context(
            self.archive,
            self.adaptations,
            self.records,
            principal,
            view,
            renderer=self.renderer,
            site_name=self.site_name,
            public=public,
            draft=draft,
        )


@dataclass(frozen=True)
class Editor:
    archive: Archive
    search: SearchService

    def context(self, principal: Principal, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """The draft editor's context (see ``editor.editor_context``)."""
        return editor_context(self.archive, self.search, principal, values, **extra)

    def conflict(self, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        return conflict(self.archive, current, values)


async def artifact_pages(
    archive: ArchiveDep,
    adaptations: AdaptationsDep,
    records: RecordsDep,
    renderer: RendererDep,
    settings: SettingsDep,
) -> ArtifactPages:
    return ArtifactPages(archive, adaptations, records, renderer, settings.site_name)


async def editor(archive: ArchiveDep, search: SearchDep) -> Editor:
    return Editor(archive, search)


ArtifactPagesDep = Annotated[ArtifactPages, Depends(artifact_pages)]
EditorDep = Annotated[Editor, Depends(editor)]
