"""The media inspector adapter: puremagic and mutagen in process, Pillow in a child.

Implements ``domain.ports.media.MediaInspector``: images are decoded behind a
pixel budget in a memory-limited child process (``infra.media.decode``).
"""

from __future__ import annotations

from pathlib import Path

from domain.ports.media import ImageResult
from infra.media import inspect
from infra.media.decode import DEFAULT_DECODE_MEMORY, DEFAULT_PIXEL_BUDGET, clean_image_isolated


class IsolatedInspector:
    def __init__(
        self, pixel_budget: int = DEFAULT_PIXEL_BUDGET, decode_memory: int = DEFAULT_DECODE_MEMORY
    ) -> None:
        self.pixel_budget = pixel_budget
        self.decode_memory = decode_memory

    def sniff(self, head: bytes) -> str | None:
        return inspect.sniff(head)

    def matches(self, declared: str, real: str | None) -> bool:
        return inspect.matches(declared, real)

    def duration_seconds(self, path: Path) -> float | None:
        return inspect.duration_seconds(path)

    def clean_image(self, path: Path, content_type: str) -> ImageResult:
        return clean_image_isolated(
            path, content_type, budget=self.pixel_budget, memory=self.decode_memory
        )
