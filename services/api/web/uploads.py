"""Media from a plain HTML form: the API's declare → send bytes → complete, done here."""

from __future__ import annotations

import hashlib
from typing import IO, Any
from uuid import UUID

from domain.access import Principal
from domain.app.media import MediaService
from domain.errors import InvalidInput

CHUNK = 1024 * 1024


def digest_and_size(file: IO[bytes]) -> tuple[str, int]:
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def stage(
    media: MediaService,
    principal: Principal,
    artifact_id: UUID,
    file: IO[bytes],
    filename: str,
    content_type: str,
    alt: str,
    caption: str,
) -> tuple[UUID, dict[str, Any]]:
    """Declare, receive and check one upload and store its bytes, attaching nothing
    (runs in a worker thread). Every object-store call happens here, so a store
    that is down fails the save before anything is recorded on the artifact."""
    sha256, size = digest_and_size(file)
    if size > media.part_size:
        raise InvalidInput(
            f"Files over {media.part_size // (1024 * 1024)} MB are sent in "
            "parts; use the API (or a smaller file) for this one.",
            field="file",
        )
    declared = {
        "filename": filename,
        "content_type": content_type,
        "size": size,
        "sha256": sha256,
        "alt": alt,
        "caption": caption,
    }
    answer = media.declare(principal, artifact_id, declared)
    media_id = UUID(answer["media_id"])
    media.receive(principal, media_id, file, None)
    return media_id, media.prepare(principal, media_id, None)

