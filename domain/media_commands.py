"""Media commands and queries: uploads declared and completed, media described,
detached, and read where they are attached.

Each command loads, asks the aggregates, and saves. The upload's own rules live on
``Upload`` (``domain.media``); the rules that need the artifact stay here:

- the artifact must be editable by the principal (``ArtifactCommands.editable``)
  to declare an upload to it, to complete one (which attaches the media to it), and
  to describe or detach its media;
- the media item to describe or detach must be attached to that artifact (404);
- the item a caption or transcript ``describes`` is looked up among the artifact's
  attached media (``Artifact.media_item``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain import policy
from domain.access import Principal
from domain.artifact import PUBLISHED, Artifact
from domain.artifact_commands import ArtifactCommands
from domain.errors import NotFound
from domain.media import Upload, media_description, no_upload
from domain.results import CommandResult, result_of
from domain.store import Store


class MediaCommands:
    def __init__(self, store: Store, artifacts: ArtifactCommands) -> None:
        self.store = store
        self.artifacts = artifacts

    def validate_upload(
        self, principal: Principal, artifact_id: UUID, declared: dict[str, Any], max_bytes: int
    ) -> dict[str, Any]:
        """Check a declaration without recording anything."""
        artifact = self.artifacts.editable(principal, artifact_id, None)
        return Upload.check_declaration(declared, max_bytes, artifact.media_item)

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
        upload = Upload.declare(
            media_id,
            artifact.id,
            declared,
            max_bytes=max_bytes,
            attached=artifact.media_item,
            multipart_id=multipart_id,
            by=str(principal.id),
        )
        self.store.save(upload)
        return upload

    def upload_for(self, principal: Principal, media_id: UUID) -> Upload:
        """An upload its declarer (or an editor) may complete; others see nothing."""
        try:
            upload: Upload = self.store.load(Upload, media_id)
        except NotFound:
            raise no_upload(media_id) from None
        upload.check_declarer(principal)
        return upload

    def complete_upload(
        self, principal: Principal, media_id: UUID, media: dict[str, Any]
    ) -> CommandResult:
        upload = self.upload_for(principal, media_id)
        upload.check_open()  # before the artifact's rules, as the answer always was
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
        _attached(artifact, media_id)
        described = media_description(changes)
        artifact.describe_media(media_id=media_id, changes=described, by=str(principal.id))
        return result_of(artifact, self.store.save(artifact))

    def detach_media(
        self, principal: Principal, artifact_id: UUID, expected_version: int, media_id: str
    ) -> CommandResult:
        artifact = self.artifacts.editable(principal, artifact_id, expected_version)
        _attached(artifact, media_id)
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


def _attached(artifact: Artifact, media_id: str) -> None:
    """The artifact's rule: only media attached to it can be described or detached."""
    if artifact.media_item(media_id) is None:
        raise NotFound(f"No media {media_id} on this artifact.")
