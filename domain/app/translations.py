"""Translating an artifact of another Commonplace site.

A translation of another site's work keeps cross-site lineage as an adaptation
does: the new draft records where it came from (``AdaptedFrom``, marked with
``"relation": "translation"``), so that publishing it tells the source's site and
a withdrawal there reaches it. It also records ``TranslationOf`` with the source's
address, so that it shows as a language version. Both are recorded with its
creation, in one save. A work of this site, named by its address, is translated
as any local artifact is (``archive.translations``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.access import Principal, Role
from domain.app.adaptations import AdaptationService
from domain.app.lineage import local_id
from domain.artifact import Artifact
from domain.errors import InvalidInput
from domain.policy import require_role
from domain.results import CommandResult, result_of
from domain.values import check_language, clean_text, require_derivatives

TRANSLATION = "translation"  # the ``relation`` of an AdaptedFrom source that it translates


class CrossSiteTranslations:
    def __init__(self, adaptations: AdaptationService) -> None:
        self.adaptations = adaptations
        self.archive = adaptations.archive

    def translate(
        self, principal: Principal, url: str, place: str, language: str, translator: str = ""
    ) -> CommandResult:
        """A new draft in ``language`` from the work at ``url`` (here or on another site)."""
        require_role(principal, Role.PARTNER, "translate artifacts")
        language = check_language(language.strip())
        here = local_id(self.adaptations.site, url)
        if here is not None:
            return self.archive.translations.translate(principal, here, language, translator)
        kind, content, source = self.adaptations._remote(principal, url)
        source_language = content.get("language") or "en"
        if language == source_language:
            raise InvalidInput(f"The work is already in {language}.", field="language")
        require_derivatives(source, "translations")
        name = clean_text(translator, "translator").strip() or principal.name
        content = self._translated(content, place, language, name)
        checked = self.archive.artifacts.content.check(kind, content)
        assert principal.id is not None
        artifact = Artifact(id=uuid4(), kind=kind, content=checked, by=principal.id)  # type: ignore[call-arg]
        artifact.record_source(source={**source, "relation": TRANSLATION}, by=principal.id)
        artifact.record_original(original=_original(source, source_language, name), by=principal.id)
        return result_of(artifact, self.archive.store.save(artifact))

    def _translated(
        self, content: dict[str, Any], place: str, language: str, translator: str
    ) -> dict[str, Any]:
        contributors = [c for c in content.get("contributors") or [] if c["role"] != "translator"]
        return {
            **content,
            "place": place,
            "language": language,
            "contributors": [*contributors, {"name": translator, "role": "translator"}],
            "adaptation_note": f"Translated into {language} by {translator}.",
        }


def _original(source: dict[str, Any], language: str, translator: str) -> dict[str, Any]:
    return {
        "uri": source["uri"],
        "page": source.get("page"),
        "site": source.get("site"),
        "language": language,
        "title": source.get("title") or "",
        "version": source.get("version"),
        "translator": translator,
    }


def versions_of(
    service: Any, hit_id: str, query: Any, *, refresh: bool = True
) -> list[dict[str, Any]]:
    """A search hit's other language versions that the same search could find (their
    documents in the service's index: public, or members-only for members).
    ``refresh=False``: the translation index as last refreshed (once for a page of hits)."""
    shown = []
    index = service.archive.translations.index
    for version in index.versions(UUID(hit_id), refresh=refresh):
        document = None if str(version) == hit_id else service.index.document(str(version))
        if document is None or (document.get("members_only") and not query.include_members):
            continue
        shown.append(
            {
                "id": str(version),
                "language": document.get("language") or "en",
                "title": document.get("title") or "",
                "url": f"/api/v1/artifacts/{version}",
            }
        )
    return shown
