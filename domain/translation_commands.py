"""Translating an artifact, and the language versions a reader may see of one.

``translate`` creates a new draft in another language, starting from the
original's content (what the translator may read of it), credits the
translator as a contributor with the role ``translator`` and records
``TranslationOf`` on the new artifact only. ``versions`` lists, for any view,
the other language versions the reader may see, and whether a translation is
out of date with its original.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain import policy
from domain.access import Principal, Role
from domain.artifact import COMMON_FIELDS, PUBLISHED, Artifact
from domain.artifact_commands import ArtifactCommands
from domain.artifact_persons import listed_persons
from domain.errors import Conflict, InvalidInput, NotFound
from domain.results import CommandResult, result_of, unchanged
from domain.store import Store
from domain.translations import TranslationIndex, is_outdated, original_id
from domain.values import KINDS, check_language, clean_text

# What a translation does not take over from its original: its media are attached anew.
NOT_COPIED = frozenset({"media", "language"})


class TranslationCommands:
    def __init__(self, store: Store, artifacts: ArtifactCommands) -> None:
        self.store = store
        self.artifacts = artifacts
        self.index = TranslationIndex(store)

    def translate(
        self, principal: Principal, artifact_id: UUID, language: str, translator: str = ""
    ) -> CommandResult:
        """A new draft in ``language``: the original's content, to be translated."""
        policy.require_role(principal, Role.PARTNER, "translate artifacts")
        original = self.artifacts.load(artifact_id)
        content = self._readable_content(principal, original)
        language = check_language(language.strip())
        if language == (content.get("language") or "en"):
            raise InvalidInput(
                f"This artifact is already in {language}; choose another language.",
                field="language",
            )
        for version in self._versions(artifact_id):
            if version.content.get("language") == language:
                raise Conflict(
                    f"There is already a version in {language}: {version.id}. Revise it instead.",
                    id=str(version.id),
                )
        name = clean_text(translator, "translator").strip() or principal.name
        fields = (set(COMMON_FIELDS) | KINDS[original.kind].fields) - NOT_COPIED
        copied = {k: v for k, v in content.items() if k in fields}
        copied["contributors"] = [  # the translator of the text it starts from is not theirs
            *(c for c in copied.get("contributors") or [] if c.get("role") != "translator"),
            {"name": name, "role": "translator"},
        ]
        copied["language"] = language
        checked = self.artifacts.content.check(original.kind, copied)
        listed = listed_persons(checked)  # the original lists them already, with their consents
        self.artifacts.persons.check_listing(principal, listed, listed_persons(content))
        assert principal.id is not None
        translation = Artifact(id=uuid4(), kind=original.kind, content=checked, by=principal.id)  # type: ignore[call-arg]
        root = self._work_original(original)  # a translation's translation: the same work
        link = _link(root, _content_of(root), name)
        if root.id != original.id:
            link["from"] = {"id": str(original.id), "language": content.get("language") or "en"}
        translation.record_original(original=link, by=principal.id)
        return result_of(translation, self.store.save(translation))

    def _work_original(self, artifact: Artifact) -> Artifact:
        found = original_id(artifact.translation_of)
        if found is None:
            return artifact
        try:
            return self.store.load(Artifact, found)
        except NotFound:
            return artifact

    def link(
        self, principal: Principal, translation_id: UUID, original_id_: UUID, translator: str
    ) -> CommandResult:
        """Record that an existing artifact translates another (editors: for work written
        in two languages before it came here); linking it again to the same original
        records nothing."""
        policy.require_role(principal, Role.EDITOR, "link language versions")
        translation = self.artifacts.load(translation_id)
        original = self.artifacts.load(original_id_)
        if original_id(translation.translation_of) == original.id:
            return unchanged(translation)
        if translation.translation_of is not None or original.translation_of is not None:
            raise Conflict("A translation links to one original, which is no translation itself.")
        content = _content_of(original)
        language = translation.content.get("language") or "en"
        if language == (content.get("language") or "en"):
            raise InvalidInput(f"Both are in {language}.", field="language")
        if any(v.content.get("language") == language for v in self._versions(original.id)):
            raise Conflict(f"There is already a version in {language}.")
        assert principal.id is not None
        translation.record_original(
            original=_link(original, content, clean_text(translator, "translator")),
            by=principal.id,
        )
        return result_of(translation, self.store.save(translation))

    def _readable_content(self, principal: Principal, original: Artifact) -> dict[str, Any]:
        """The published content, or for its contributors and editors the draft if there
        is nothing published yet."""
        if _readable(principal, original) or (
            original.published is not None and policy.may_see_draft(principal, original)
        ):
            assert original.published is not None
            return dict(original.published["content"])
        if policy.may_see_draft(principal, original):
            return dict(original.content)
        policy.check_readable(principal, original)
        raise policy.not_found(original.id)

    def _versions(self, artifact_id: UUID) -> list[Artifact]:
        found = []
        for version_id in self.index.versions(artifact_id):
            try:
                found.append(self.store.load(Artifact, version_id))
            except NotFound:
                continue
        return found

    def versions(self, principal: Principal, artifact: Artifact) -> dict[str, Any]:
        """``translation_of``, ``translations`` (the other versions ``principal`` may
        read, original first) and ``outdated`` for one artifact."""
        shown = []
        original = None
        for version in self._versions(artifact.id):
            if version.id == original_id(artifact.translation_of):
                original = version
            if version.id == artifact.id or not _readable(principal, version):
                continue
            published = (version.published or {}).get("content") or {}
            shown.append(
                {
                    "id": str(version.id),
                    "language": published.get("language") or "en",
                    "title": published.get("title") or "",
                    "original": version.translation_of is None,
                }
            )
        outdated = original is not None and is_outdated(
            self.store.events_of(original.id), self.store.events_of(artifact.id)
        )
        return {
            "translation_of": _shown_original(artifact.translation_of, shown),
            "translations": shown,
            "outdated": outdated,
        }

    def versions_of(self, principal: Principal, artifact_id: UUID) -> dict[str, Any]:
        return self.versions(principal, self.artifacts.load(artifact_id))


def _content_of(artifact: Artifact) -> dict[str, Any]:
    """What was published of it, or its draft."""
    return dict(artifact.published["content"] if artifact.published else artifact.content)


def _readable(principal: Principal, artifact: Artifact) -> bool:
    return artifact.status == PUBLISHED and policy.may_read_published(principal, artifact.published)


def _link(original: Artifact, content: dict[str, Any], translator: str) -> dict[str, Any]:
    return {
        "id": str(original.id),
        "language": content.get("language") or "en",
        "title": content.get("title") or "",
        "version": original.version,
        "translator": translator,
    }


def _shown_original(
    translation_of: dict[str, Any] | None, shown: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The link to the original; its title only while the reader may read it."""
    if translation_of is None:
        return None
    found = {k: translation_of.get(k) for k in ("id", "uri", "language", "translator")}
    found = {k: v for k, v in found.items() if v is not None}
    readable = next((v for v in shown if v["id"] == found.get("id")), None)
    if readable is not None:
        found["title"] = readable["title"]
    elif found.get("uri"):  # another site's work: that site decides who reads it
        found.update(title=translation_of.get("title") or "", page=translation_of.get("page"))
    return found
