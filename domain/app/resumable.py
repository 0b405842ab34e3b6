"""Resumable uploads: the bytes of a declared upload sent in pieces, each at an offset.

The shape is the core of the tus protocol (https://tus.io): ``HEAD`` says how many
bytes the server holds (``Upload-Offset``), ``PATCH`` appends bytes at that offset.
A piece the connection cut is not kept, so a client resumes from the end of the
last piece the server acknowledged rather than from the first byte.

Each piece is stored under its own key, ``staging/<media id>.at<offset>``, so no
object store needs an append operation; when the pieces reach the declared size
they are joined into the upload's staging key and the ordinary completion (size,
SHA-256 and type checks) takes over.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any
from uuid import UUID

from domain.access import Principal
from domain.app.media_intake import staging_key
from domain.app.streams import Limited
from domain.application import Archive
from domain.errors import Conflict
from domain.media import Upload
from domain.ports.media import MediaStore

PIECE_TYPE = "application/octet-stream"


class OffsetMismatch(Conflict):
    """The piece was sent for an offset other than the number of bytes held (HTTP 409)."""

    title = "Upload offset mismatch"


def piece_key(media_id: UUID, offset: int) -> str:
    return f"{staging_key(media_id)}.at{offset:015d}"


class _Chained(io.RawIOBase):
    """The pieces read one after the other, as one file."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.pending = chunk
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        return count


class ResumableUploads:
    def __init__(self, archive: Archive, store: MediaStore, piece_limit: int) -> None:
        self.archive = archive
        self.store = store
        self.piece_limit = piece_limit

    def status(self, principal: Principal, media_id: UUID) -> tuple[int, int]:
        """(bytes held, bytes declared) of an upload of this principal's."""
        upload = self._open(principal, media_id)
        return self._held(media_id, upload), upload.size

    def append(
        self, principal: Principal, media_id: UUID, offset: int, body: IO[bytes]
    ) -> tuple[int, int]:
        """Store one piece sent at ``offset``; returns the new offset and the declared
        size. The last piece
        joins them all into the staging key that completing the upload checks."""
        upload = self._open(principal, media_id)
        held = self._held(media_id, upload)
        if offset != held:
            raise OffsetMismatch(
                f"The server holds {held} bytes of this upload; send the next piece at "
                f"offset {held}, not {offset}.",
                field="upload_offset",
                offset=held,
            )
        if held == upload.size:
            return held, upload.size
        limit = min(upload.size - held, self.piece_limit)
        key = piece_key(media_id, offset)
        self.store.put(key, io.BufferedReader(Limited(body, limit)), PIECE_TYPE)
        received = self.store.size(key) or 0
        if received == 0:
            self.store.delete(key)
        new = offset + received
        if new == upload.size:
            self._join(media_id, upload.content_type)
        return new, upload.size

    def _open(self, principal: Principal, media_id: UUID) -> Upload:
        upload = self.archive.media.upload_for(principal, media_id)
        upload.check_open()
        if upload.multipart_id:
            raise Conflict(
                "This upload goes to the object store in parts (see the declaration's "
                "upload.parts); it cannot also be sent in resumable pieces."
            )
        return upload

    def _pieces(self, media_id: UUID) -> list[tuple[int, str]]:
        prefix = f"{staging_key(media_id)}.at"
        found = []
        for key in self.store.keys(prefix):
            digits = key[len(prefix) :]
            if digits.isdigit():
                found.append((int(digits), key))
        return sorted(found)

    def _held(self, media_id: UUID, upload: Upload) -> int:
        """The contiguous bytes held from the start (all of them once joined)."""
        if not self._pieces(media_id) and self.store.exists(staging_key(media_id)):
            return self.store.size(staging_key(media_id)) or 0
        held = 0
        for offset, key in self._pieces(media_id):
            if offset != held:
                break
            held += self.store.size(key) or 0
        return held

    def _join(self, media_id: UUID, content_type: str) -> None:
        pieces = [key for _offset, key in self._pieces(media_id)]

        def chunks() -> Iterator[bytes]:
            for key in pieces:
                yield from self.store.read(key)

        reader = io.BufferedReader(_Chained(chunks()))
        self.store.put(staging_key(media_id), reader, content_type)
        for key in pieces:
            self.store.delete(key)
