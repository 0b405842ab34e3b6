"""In-memory fakes of the ports in ``domain/ports``, for fast tests of the application.

Each is a working implementation kept in memory, not a mock: the media store fake
runs the same contract suite as the local folder and S3 adapters.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from eventsourcing.persistence import Tracking

from domain.ports.media import CHUNK, ImageResult, MediaStore, UnsafeImage, UploadTarget
from domain.ports.search import Rebuild, SearchIndex, SearchQuery, SearchResult


class MemoryMediaStore(MediaStore):
    """A media store in a dictionary; uploads go through the API (no direct URLs)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.puts = 0

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        buffer = io.BytesIO()
        while chunk := data.read(CHUNK):
            buffer.write(chunk)
        self.objects[key] = buffer.getvalue()
        self.puts += 1

    def size(self, key: str) -> int | None:
        found = self.objects.get(key)
        return None if found is None else len(found)

    def read(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        data = self.objects[key]
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def keys(self, prefix: str = "") -> Iterator[str]:
        yield from sorted(k for k in self.objects if k.startswith(prefix))

    def copy(self, source: str, target: str, content_type: str) -> None:
        self.objects[target] = self.objects[source]

    def upload_target(self, key: str, content_type: str, size: int, part_size: int) -> UploadTarget:
        return UploadTarget("PUT", f"memory:{key}", {"Content-Type": content_type})

    def finish_multipart(self, key: str, multipart_id: str, parts: list[dict[str, object]]) -> None:
        numbers = sorted(int(str(p["part_number"])) for p in parts)
        names = [f"{key}.part{n:05d}" for n in numbers]
        missing = [name for name in names if name not in self.objects]
        if missing:
            raise FileNotFoundError(missing[0])
        self.objects[key] = b"".join(self.objects.pop(name) for name in names)

    def download_url(self, key: str, content_type: str, disposition: str) -> str | None:
        return None


@dataclass
class FakeInspector:
    """Types by a table of first bytes; images "re-encoded" by prefixing a marker."""

    types: dict[bytes, str] = field(default_factory=dict)
    unsafe: bool = False

    def sniff(self, head: bytes) -> str | None:
        return next((t for prefix, t in self.types.items() if head.startswith(prefix)), None)

    def matches(self, declared: str, real: str | None) -> bool:
        return declared == real

    def duration_seconds(self, path: Path) -> float | None:
        return 1.5

    def clean_image(self, path: Path, content_type: str) -> ImageResult:
        if self.unsafe:
            raise UnsafeImage("The image has too many pixels to decode safely.")
        data = b"clean:" + path.read_bytes()
        return ImageResult(data, content_type, 640, 480, {"320": (b"thumb", 320, 240)})


@dataclass
class FakeClock:
    """A clock that moves only when told."""

    at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    ticks: float = 0.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.ticks

    def time(self) -> float:
        return self.at.timestamp()

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.ticks += seconds


@dataclass
class FakeIndexerStatus:
    saved: dict[str, Any] = field(default_factory=dict)

    def load_status(self) -> dict[str, Any]:
        return dict(self.saved)


class RecordingIndex(SearchIndex):
    """A stand-in search index that answers nothing and remembers what it was asked."""

    def __init__(self, position: int = 0) -> None:
        self.queries: list[SearchQuery] = []
        self.applied = position

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self.applied = tracking.notification_id

    def position(self, application_name: str) -> int:
        return self.applied

    def search(self, query: SearchQuery) -> SearchResult:
        self.queries.append(query)
        return SearchResult(total=0, hits=[])

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return None

    def all_ids(self) -> set[str]:
        return set()

    def start_rebuild(self) -> Rebuild:
        raise NotImplementedError("the recording index does not rebuild")
