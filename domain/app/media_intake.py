"""Checking uploaded bytes and storing them under their content address.

The checks: the bytes exist, have the declared size and SHA-256, and their
real type (from the bytes, by the inspector port) is the declared one. Images
are re-encoded from their pixels by the inspector and stored with their
thumbnails; other media are copied as they are. Keys are content addresses,
so equal bytes are stored once.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import InvalidInput
from domain.media import media_kind
from domain.ports.media import MediaInspector, MediaStore, UnsafeImage

SNIFF_BYTES = 8192


def staging_key(media_id: UUID) -> str:
    return f"staging/{media_id}"


def object_key(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256}"


class UploadCheckFailed(InvalidInput):
    """The uploaded bytes are not what was declared, or not allowed."""


class MediaIntake:
    def __init__(self, store: MediaStore, inspector: MediaInspector) -> None:
        self.store = store
        self.inspector = inspector

    def checked_media(self, media_id: UUID, upload: Any, key: str) -> dict[str, Any]:
        size = self.store.size(key)
        if size is None:
            raise UploadCheckFailed("No bytes have been uploaded for this media yet.", field="size")
        if size != upload.size:
            raise UploadCheckFailed(
                f"Received {size} bytes but {upload.size} were declared; the upload is "
                f"{'incomplete' if size < upload.size else 'larger than declared'}.",
                field="size",
            )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            digest, head = self._download(key, path)
            if digest != upload.sha256:
                raise UploadCheckFailed(
                    f"The SHA-256 of the bytes ({digest}) differs from the one declared "
                    f"({upload.sha256}); the file may be corrupt or different.",
                    field="sha256",
                )
            real = self.inspector.sniff(head)
            if not self.inspector.matches(upload.content_type, real):
                raise UploadCheckFailed(
                    f"The file was declared as {upload.content_type} but its bytes are "
                    f"{real or 'of an unrecognised type'}.",
                    field="content_type",
                    real_type=real,
                )
            return self._store_media(media_id, upload, key, path)

    def _download(self, key: str, path: Path) -> tuple[str, bytes]:
        digest = hashlib.sha256()
        head = b""
        with open(path, "wb") as out:
            for chunk in self.store.read(key):
                digest.update(chunk)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                out.write(chunk)
        return digest.hexdigest(), head

    def _store_media(self, media_id: UUID, upload: Any, key: str, path: Path) -> dict[str, Any]:
        kind = media_kind(upload.content_type)
        media: dict[str, Any] = {
            "id": str(media_id),
            "kind": kind,
            "filename": upload.filename,
            "content_type": upload.content_type,
            "sha256": upload.sha256,
            "caption": upload.caption,
            "alt": upload.alt,
            "describes": upload.describes,
            "width": None,
            "height": None,
            "duration": None,
            "variants": {},
        }
        if kind == "image":
            try:
                image = self.inspector.clean_image(path, upload.content_type)
            except UnsafeImage as error:
                raise UploadCheckFailed(str(error), field="content_type") from None
            media.update(width=image.width, height=image.height, size=len(image.data))
            media["key"] = self._put_bytes(image.data, image.content_type)
            for name, (data, width, height) in image.thumbnails.items():
                media["variants"][name] = {
                    "key": self._put_bytes(data, "image/webp"),
                    "content_type": "image/webp",
                    "width": width,
                    "height": height,
                }
            return media
        if kind in ("audio", "video"):
            media["duration"] = self.inspector.duration_seconds(path)
        media.update(size=upload.size, key=object_key(upload.sha256))
        if not self.store.exists(media["key"]):
            self.store.copy(key, media["key"], upload.content_type)
        return media

    def _put_bytes(self, data: bytes, content_type: str) -> str:
        key = object_key(hashlib.sha256(data).hexdigest())
        if not self.store.exists(key):
            self.store.put(key, io.BytesIO(data), content_type)
        return key
