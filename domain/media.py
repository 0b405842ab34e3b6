"""Media attached to artifacts: what may be uploaded, and the Upload aggregate.

An upload is declared first (name, type, size, SHA-256), its bytes go to
object storage, and only when every check passes is the media attached to
its artifact with a ``MediaAttached`` event. The Upload aggregate owns the
rules of its own state: what a declaration may say, who may handle it (its
declarer or an editor), which bytes it still takes, and that it is completed
once. What a description of attached media may change is ``media_description``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.access import Principal
from domain.errors import Conflict, InvalidInput, NotFound, TooLarge
from domain.values import clean_text

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


def media_description(changes: dict[str, Any]) -> dict[str, str]:
    """The alt text and caption of attached media, cleaned; anything else is ignored."""
    allowed = {
        k: clean_text(str(v), k).strip() for k, v in changes.items() if k in ("alt", "caption")
    }
    if not allowed:
        raise InvalidInput("Give alt, caption or both.", field="alt")
    return allowed


def no_upload(media_id: UUID) -> NotFound:
    """The one answer for an upload that is missing or someone else's."""
    return NotFound(f"No upload {media_id} of yours.")


# An attached media item of the upload's artifact by id (``Artifact.media_item``).
AttachedMedia = Callable[[str], dict[str, Any] | None]


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

    @classmethod
    def declare(
        cls,
        media_id: UUID,
        artifact_id: UUID,
        declared: dict[str, Any],
        *,
        max_bytes: int,
        attached: AttachedMedia,
        multipart_id: str | None,
        by: str,
    ) -> Upload:
        """A checked declaration of ``declared`` (see ``check_declaration``)."""
        checked = cls.check_declaration(declared, max_bytes, attached)
        return cls(  # type: ignore[call-arg]
            id=media_id, artifact_id=artifact_id, multipart_id=multipart_id, by=by, **checked
        )

    @staticmethod
    def check_declaration(
        declared: dict[str, Any], max_bytes: int, attached: AttachedMedia
    ) -> dict[str, Any]:
        """The cleaned fields of a declaration, or the first rule it breaks. A caption
        or transcript ``describes`` an audio or video item ``attached`` to the artifact."""
        content_type = check_content_type(str(declared["content_type"]))
        size = _checked_size(int(declared["size"]), max_bytes)
        describes = declared.get("describes")
        if describes:
            _check_describes(content_type, attached(str(describes)))
        return {
            "filename": clean_filename(str(declared["filename"])),
            "content_type": content_type,
            "size": size,
            "sha256": check_sha256(str(declared["sha256"])),
            "caption": clean_text(str(declared.get("caption") or ""), "caption").strip(),
            "alt": clean_text(str(declared.get("alt") or ""), "alt").strip(),
            "describes": str(describes) if describes else None,
        }

    def check_declarer(self, principal: Principal) -> None:
        """Only its declarer or an editor may handle an upload; others see nothing."""
        if not (principal.is_editor or self.declared_by == principal.id):
            raise no_upload(self.id)

    def check_receivable(self, part: int | None, part_size: int) -> None:
        """Bytes (or part ``part`` of a multi-part upload) may still be sent."""
        if self.completed:
            raise InvalidInput("This upload is already complete.", field="media_id")
        if part is not None:
            count = -(-self.size // part_size)
            if not self.multipart_id or not 1 <= part <= count:
                raise InvalidInput(f"Part must be between 1 and {count}.", field="part")

    def check_open(self) -> None:
        """Raise unless the upload may still be completed."""
        if self.completed:
            raise Conflict("This upload was already completed; its media is attached.")

    def complete(self, media: dict[str, Any], by: str) -> None:
        """Record the checked media; an upload is completed once."""
        self.check_open()
        self._record_completion(media=media, by=by)

    @event("Completed")
    def _record_completion(self, media: dict[str, Any], by: str) -> None:
        self.completed = True
        self.media = media


def _checked_size(size: int, max_bytes: int) -> int:
    if size <= 0:
        raise InvalidInput("The file is empty (0 bytes).", field="size")
    if size > max_bytes:
        raise TooLarge(
            f"Files of this type may be at most {max_bytes} bytes; this one is {size}.",
            field="size",
            limit=max_bytes,
        )
    return size


def _check_describes(content_type: str, target: dict[str, Any] | None) -> None:
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
