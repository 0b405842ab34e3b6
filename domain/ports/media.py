"""The media ports: the store of bytes, and the inspection of uploaded files.

Store keys are plain strings; the store never interprets bytes. The inspector
tells a file's real type from its bytes and re-encodes images safely (the
adapter decodes them in a memory-limited child process).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

CHUNK = 1024 * 1024


class MediaStoreUnavailable(Exception):
    """The object store could not be reached; nothing was recorded (HTTP 503)."""


@dataclass(frozen=True)
class UploadTarget:
    """Where a client sends bytes: one PUT, or one PUT per part."""

    method: str
    url: str | None
    headers: dict[str, str] = field(default_factory=dict)
    multipart_id: str | None = None
    part_urls: list[str] = field(default_factory=list)
    part_size: int | None = None
    expires_in: int | None = None


class MediaStore(ABC):
    #: Seconds a ``download_url`` stays valid (0: the store gives no such URLs).
    download_expires_in: int = 0

    @abstractmethod
    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        """Store bytes read from ``data`` (streamed, never whole in memory)."""

    @abstractmethod
    def size(self, key: str) -> int | None:
        """The stored size, or None when there is no such object."""

    @abstractmethod
    def read(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def keys(self, prefix: str = "") -> Iterator[str]: ...

    @abstractmethod
    def copy(self, source: str, target: str, content_type: str) -> None: ...

    @abstractmethod
    def upload_target(self, key: str, content_type: str, size: int, part_size: int) -> UploadTarget:
        """How a client uploads ``size`` bytes to ``key``; in parts when over ``part_size``."""

    @abstractmethod
    def finish_multipart(self, key: str, multipart_id: str, parts: list[dict[str, object]]) -> None:
        """Join the uploaded parts into one object."""

    @abstractmethod
    def download_url(self, key: str, content_type: str, disposition: str) -> str | None:
        """A short-lived URL to fetch ``key`` directly, or None to stream it through the API."""

    def exists(self, key: str) -> bool:
        return self.size(key) is not None


class UnsafeImage(Exception):
    """An image that cannot be decoded safely (corrupt, or too many pixels)."""


@dataclass
class ImageResult:
    data: bytes
    content_type: str
    width: int
    height: int
    thumbnails: dict[str, tuple[bytes, int, int]] = field(default_factory=dict)


class MediaInspector(Protocol):
    def sniff(self, head: bytes) -> str | None:
        """The real MIME type of a file from its first bytes, or None if unknown."""
        ...

    def matches(self, declared: str, real: str | None) -> bool:
        """Whether bytes of type ``real`` may be published as ``declared``."""
        ...

    def duration_seconds(self, path: Path) -> float | None:
        """The length of an audio or video file, where it can be read."""
        ...

    def clean_image(self, path: Path, content_type: str) -> ImageResult:
        """The image re-encoded from its pixels only, with thumbnails; ``UnsafeImage``
        when it cannot be decoded within the limits."""
        ...
