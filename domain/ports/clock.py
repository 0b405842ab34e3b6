"""The clock port: wall time for records, a monotonic clock for deadlines."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for measuring elapsed time)."""
        ...

    def time(self) -> float:
        """Seconds since the epoch (to compare with events' timestamps)."""
        ...
