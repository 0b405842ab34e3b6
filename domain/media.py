"""Media attached to artifacts: what may be uploaded, and the Upload aggregate.

An upload is declared first (name, type, size, SHA-256), its bytes go to
object storage, and only when every check passes is the media attached to
its artifact with a ``MediaAttached`` event. The Upload aggregate remembers
who declared what, so an upload is completed once, by its owner.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInput

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# audio/webm and audio/ogg: what browsers record with MediaRecorder (Opus).
AUDIO_TYPES = frozenset(
    {"audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/webm", "audio/ogg"}
)
VIDEO_TYPES = frozenset({"video/mp4", "video/webm"})
TEXT_TYPES = frozenset({"text/vtt", "text/plain"})
ALLOWED_TYPES = IMAGE_TYPES | AUDIO_TYPES | VIDEO_TYPES | TEXT_TYPES | {"application/pdf"}
INLINE_TYPES = IMAGE_TYPES | AUDIO_TYPES | VIDEO_TYPES  # everything else is served as a download
MAX_FILENAME_BYTES = 255


def media_kind(content_type: str) -> str:
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type in AUDIO_TYPES:
        return "audio"
    if content_type in VIDEO_TYPES:
        return "video"
    if content_type in TEXT_TYPES:
        return "transcript"
    return "document"


def check_content_type(content_type: str) -> str:
    if content_type not in ALLOWED_TYPES:
        raise InvalidInput(
            f"Files of type {content_type!r} are not accepted. Allowed: "
            f"{', '.join(sorted(ALLOWED_TYPES))}. SVG, HTML and executables are never accepted.",
            field="content_type",
            allowed=sorted(ALLOWED_TYPES),
        )
    return content_type


def clean_filename(filename: str) -> str:
    """A safe display name: no folders, no control characters, at most 255 bytes."""
    if "\x00" in filename:
        raise InvalidInput("The file name contains a NUL byte.", field="filename")
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        raise InvalidInput("The file name is empty once folders are removed.", field="filename")
    if len(name.encode("utf-8")) > MAX_FILENAME_BYTES:
        raise InvalidInput(
            f"The file name is longer than {MAX_FILENAME_BYTES} bytes; shorten it.",
            field="filename",
        )
    return name


def check_sha256(value: str) -> str:
    lowered = value.lower()
    if len(lowered) != 64 or any(c not in "0123456789abcdef" for c in lowered):
        raise InvalidInput("sha256 must be 64 hexadecimal characters.", field="sha256")
    return lowered


class Upload(Aggregate):
    """A declared upload; its id is the media id."""

    id: UUID

    @event("Declared")
    def __init__(
        self,
        artifact_id: UUID,
        filename: str,
        content_type: str,
        size: int,
        sha256: str,
        caption: str,
        alt: str,
        describes: str | None,
        multipart_id: str | None,
        by: str,
    ) -> None:
        self.artifact_id = artifact_id
        self.filename = filename
        self.content_type = content_type
        self.size = size
        self.sha256 = sha256
        self.caption = caption
        self.alt = alt
        self.describes = describes
        self.multipart_id = multipart_id  # the object store's id for a multi-part upload
        self.declared_by = by
        self.completed = False

    @event("Completed")
    def complete(self, media: dict[str, Any], by: str) -> None:
        self.completed = True
        self.media = media
