"""A reader that stops a sender at the number of bytes it declared."""

from __future__ import annotations

import io
from typing import IO, Any

from domain.errors import TooLarge
from domain.ports.media import CHUNK


class Limited(io.RawIOBase):
    """A reader that refuses to deliver more than ``limit`` bytes."""

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self.inner = inner
        self.remaining = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(min(len(buffer), CHUNK))
        if len(data) > self.remaining:
            raise TooLarge("More bytes were sent than were declared.", field="size")
        self.remaining -= len(data)
        buffer[: len(data)] = data
        return len(data)
