"""Media commands and queries: uploads declared and completed, media described,
detached, and read where they are attached."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain import policy
from domain.access import Principal
from domain.artifact import PUBLISHED, Artifact
from domain.artifact_commands import ArtifactCommands
from domain.errors import Conflict, InvalidInput, NotFound, TooLarge
from domain.media import (
    AUDIO_TYPES,
    TEXT_TYPES,
    VIDEO_TYPES,
    Upload,
    check_content_type,
    check_sha256,
    clean_filename,
)
from domain.results import CommandResult, result_of
from domain.store import Store
from domain.values import clean_text


class MediaCommands:
    def __init__(self, store: Store, artifacts: ArtifactCommands) -> None:
        self.store = store
        self.artifacts = artifacts

    def validate_upload(
        self, principal: Principal, artifact_id: UUID, declared: dict[str, Any], max_bytes: int
    ) -> dict[str, Any]:
        """Check a declaration without recording anything."""
        artifact = self.artifacts.editable(principal, artifact_id, None)
        return check_declaration(artifact, declared, max_bytes)

    def declare_upload(
        self,
        principal: Principal,
        artifact_id: UUID,
        media_id: UUID,
        declared: dict[str, Any],
        *,
        max_bytes: int,
        multipart_id: str | None,
    ) -> Upload:
        artifact = self.artifacts.editable(principal, artifact_id, None)
        upload = Upload(  # type: ignore[call-arg]
            id=media_id,
            artifact_id=artifact.id,
            multipart_id=multipart_id,
            by=str(principal.id),
            **check_declaration(artifact, declared, max_bytes),
        )
        self.store.save(upload)
        return upload

    def upload_for(self, principal: Principal, media_id: UUID) -> Upload:
        """An upload its declarer (or an editor) may complete; others see nothing."""
        try:
            upload: Upload = self.store.load(Upload, media_id)
        except NotFound:
            upload = None  # type: ignore[assignment]
        if upload is None or not (principal.is_editor or upload.declared_by == principal.id):
            raise NotFound(f"No upload {media_id} of yours.")
        return upload

    def complete_upload(
        self, principal: Principal, media_id: UUID, media: dict[str, Any]
    ) -> CommandResult:
        upload = self.upload_for(principal, media_id)
        if upload.completed:
            raise Conflict("This upload was already completed; its media is attached.")
        artifact = self.artifacts.editable(principal, upload.artifact_id, None)
        upload.complete(media=media, by=str(principal.id))
        artifact.attach_media(media=media, by=str(principal.id))
        return result_of(artifact, self.store.save(upload, artifact))

    def describe_media(
        self,
        principal: Principal,
        artifact_id: UUID,
        expected_version: int,
        media_id: str,
        changes: dict[str, Any],
    ) -> CommandResult:
        artifact = self.artifacts.editable(principal, artifact_id, expected_version)
        if artifact.media_item(media_id) is None:
            raise NotFound(f"No media {media_id} on this artifact.")
        allowed = {
            k: clean_text(str(v), k).strip() for k, v in changes.items() if k in ("alt", "caption")
        }
        if not allowed:
            raise InvalidInput("Give alt, caption or both.", field="alt")
        artifact.describe_media(media_id=media_id, changes=allowed, by=str(principal.id))
        return result_of(artifact, self.store.save(artifact))

    def detach_media(
        self, principal: Principal, artifact_id: UUID, expected_version: int, media_id: str
    ) -> CommandResult:
        artifact = self.artifacts.editable(principal, artifact_id, expected_version)
        if artifact.media_item(media_id) is None:
            raise NotFound(f"No media {media_id} on this artifact.")
        artifact.detach_media(media_id=media_id, by=str(principal.id))
        return result_of(artifact, self.store.save(artifact))

    def readable_media(self, principal: Principal, media_id: UUID) -> dict[str, Any]:
        """The media record if the principal may read it where it is attached; else 404."""
        missing = NotFound(f"No media {media_id} is visible to you.")
        try:
            upload: Upload = self.store.load(Upload, media_id)
        except NotFound:
            raise missing from None
        artifact = self.artifacts.load(upload.artifact_id)
        published = artifact.published
        if artifact.status == PUBLISHED and policy.may_read_published(principal, published):
            assert published is not None
            for item in published["content"].get("media", []):
                if item["id"] == str(media_id):
                    return {**item, "public": published["content"].get("visibility") == "public"}
        if policy.may_see_draft(principal, artifact):
            item = artifact.media_item(str(media_id))
            if item is not None:
                return {**item, "public": False}
        raise missing


def check_declaration(
    artifact: Artifact, declared: dict[str, Any], max_bytes: int
) -> dict[str, Any]:
    content_type = check_content_type(str(declared["content_type"]))
    size = int(declared["size"])
    if size <= 0:
        raise InvalidInput("The file is empty (0 bytes).", field="size")
    if size > max_bytes:
        raise TooLarge(
            f"Files of this type may be at most {max_bytes} bytes; this one is {size}.",
            field="size",
            limit=max_bytes,
        )
    describes = declared.get("describes")
    if describes:
        target = artifact.media_item(str(describes))
        if target is None or target["content_type"] not in AUDIO_TYPES | VIDEO_TYPES:
            raise InvalidInput(
                "describes must name an audio or video file already attached to this artifact.",
                field="describes",
            )
        if content_type not in TEXT_TYPES:
            raise InvalidInput(
                "Only captions (text/vtt) or transcripts (text/plain) describe other media.",
                field="describes",
            )
    return {
        "filename": clean_filename(str(declared["filename"])),
        "content_type": content_type,
        "size": size,
        "sha256": check_sha256(str(declared["sha256"])),
        "caption": clean_text(str(declared.get("caption") or ""), "caption").strip(),
        "alt": clean_text(str(declared.get("alt") or ""), "alt").strip(),
        "describes": str(describes) if describes else None,
    }
