"""The media workflow: declare, receive (local folder), complete with checks, serve, collect.

Bytes first land under ``staging/<media id>``. Completing an upload checks that
they exist, have the declared size and SHA-256, and that their real type is
the declared one and allowed; images are re-encoded without metadata and get
thumbnails (``media_intake``). Only then are the bytes stored under their
content address (``objects/<sha256>``, so equal bytes are stored once) and the
media attached to its artifact with an event. Any failed check records nothing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID, uuid4

from domain.access import Principal
from domain.app.media_intake import MediaIntake, UploadCheckFailed, staging_key
from domain.app.streams import Limited
from domain.application import Archive, CommandResult
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.errors import Conflict, InvalidInput, NotFound
from domain.media import INLINE_TYPES, media_kind
from domain.ports.media import CHUNK, MediaInspector, MediaStore, MediaStoreUnavailable

__all__ = ["Located", "MediaService", "UploadCheckFailed"]
ATTACHED = event_topic(Artifact, "MediaAttached")
log = logging.getLogger("commonplace.media")


@dataclass(frozen=True)
class Located:
    key: str
    content_type: str
    disposition: str
    public: bool


class MediaService:
    def __init__(
        self,
        archive: Archive,
        store: MediaStore,
        inspector: MediaInspector,
        limits: dict[str, int],
        part_size: int,
    ) -> None:
        self.archive = archive
        self.store = store
        self.limits = limits
        self.part_size = part_size
        self.intake = MediaIntake(store, inspector)

    # -- declaring and receiving ---------------------------------------------

    def declare(
        self, principal: Principal, artifact_id: UUID, declared: dict[str, Any]
    ) -> dict[str, Any]:
        limit = self.limits.get(media_kind(str(declared.get("content_type"))), 0)
        checked = self.archive.media.validate_upload(principal, artifact_id, declared, limit)
        media_id = uuid4()
        target = self.store.upload_target(
            staging_key(media_id), checked["content_type"], checked["size"], self.part_size
        )
        self.archive.media.declare_upload(
            principal,
            artifact_id,
            media_id,
            declared,
            max_bytes=limit,
            multipart_id=target.multipart_id,
        )
        upload: dict[str, Any] = {"method": target.method, "headers": target.headers}
        if target.multipart_id:
            upload.update(
                parts=[{"part_number": n, "url": url} for n, url in enumerate(target.part_urls, 1)],
                part_size=target.part_size,
            )
        else:
            upload["url"] = target.url
        return {
            "media_id": str(media_id),
            "upload": upload,
            "expires_in": target.expires_in,
            "complete_url": f"/api/v1/media/{media_id}/complete",
        }

    def receive(
        self, principal: Principal, media_id: UUID, body: IO[bytes], part: int | None
    ) -> None:
        """Bytes sent to the API itself (local-folder storage)."""
        upload = self.archive.media.upload_for(principal, media_id)
        upload.check_receivable(part, self.part_size)
        key = staging_key(media_id)
        if part is not None:
            key = f"{key}.part{part:05d}"
        limit = self.part_size if part is not None else upload.size
        self.store.put(key, io.BufferedReader(Limited(body, limit)), upload.content_type)

    # -- completing ----------------------------------------------------------

    def complete(
        self, principal: Principal, media_id: UUID, parts: list[dict[str, object]] | None
    ) -> CommandResult:
        return self.record(principal, media_id, self.prepare(principal, media_id, parts))

    def prepare(
        self, principal: Principal, media_id: UUID, parts: list[dict[str, object]] | None
    ) -> dict[str, Any]:
        """Every object-store step of completing an upload, recording nothing: join the
        parts, check the bytes, store them under their content address. Returns the
        media record that ``record`` attaches."""
        upload = self.archive.media.upload_for(principal, media_id)
        upload.check_open()
        key = staging_key(media_id)
        if upload.multipart_id:
            self._join(key, upload.multipart_id, parts)
        try:
            return self.intake.checked_media(media_id, upload, key)
        except UploadCheckFailed:
            self.store.delete(key)
            raise
        except FileNotFoundError:
            raise Conflict(
                "The uploaded bytes went away while they were checked: another request "
                "completed this upload at the same moment."
            ) from None

    def record(self, principal: Principal, media_id: UUID, media: dict[str, Any]) -> CommandResult:
        """Attach prepared media (an event; no object-store call is needed for it)."""
        result: CommandResult = self.archive.media.complete_upload(principal, media_id, media)
        try:
            self.store.delete(staging_key(media_id))
        except MediaStoreUnavailable:
            log.warning("Staged bytes of %s left behind: storage unreachable", media_id)
        return result

    def _join(self, key: str, multipart_id: str, parts: list[dict[str, object]] | None) -> None:
        if not parts:
            raise InvalidInput("A multi-part upload needs its parts listed.", field="parts")
        try:
            self.store.finish_multipart(key, multipart_id, parts)
        except FileNotFoundError as error:
            raise UploadCheckFailed(f"Missing {error} of the upload.", field="parts") from None

    # -- serving -------------------------------------------------------------

    def locate(self, principal: Principal, media_id: UUID, variant: str | None) -> Located:
        media = self.archive.media.readable_media(principal, media_id)
        key, content_type = media["key"], media["content_type"]
        if variant is not None:
            found = media.get("variants", {}).get(variant)
            if found is None:
                raise NotFound(
                    f"No variant {variant!r}; this media has: "
                    f"{', '.join(media.get('variants', {})) or 'none'}."
                )
            key, content_type = found["key"], found["content_type"]
        inline = content_type in INLINE_TYPES
        disposition = "inline" if inline else f'attachment; filename="{_ascii(media["filename"])}"'
        return Located(key, content_type, disposition, bool(media.get("public")))

    def stream(self, key: str) -> Iterator[bytes]:
        return self.store.read(key, CHUNK)

    # -- collecting garbage ----------------------------------------------------

    def referenced_keys(self) -> set[str]:
        """Every key any version in history refers to."""
        keys: set[str] = set()
        position = 0
        while True:
            batch = self.archive.recorder.select_notifications(position + 1, 500, topics=[ATTACHED])
            for notification in batch:
                media = self.archive.mapper.to_domain_event(notification).media  # type: ignore[attr-defined]
                keys.add(media["key"])
                keys.update(v["key"] for v in media.get("variants", {}).values())
            if len(batch) < 500:
                return keys
            position = batch[-1].id

    def garbage(self) -> list[str]:
        referenced = self.referenced_keys()
        return [k for k in self.store.keys("objects/") if k not in referenced]


def _ascii(name: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
