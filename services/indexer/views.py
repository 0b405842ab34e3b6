"""One view the indexer keeps current, with its own failures, backoff and status.

The search index and the publications read model fail for different reasons (an
unreachable Meilisearch, a locked SQLite file), so each retries on its own
schedule and one failing never holds the other back.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import PersistenceError

from domain.ports.search import SearchUnavailable

# What a view's step may raise when something outside the process fails: retried, not fatal.
# Anything else is a defect; it ends the process, and whatever runs the indexer restarts it.
TRANSIENT: tuple[type[Exception], ...] = (
    SearchUnavailable,
    PersistenceError,
    sqlite3.Error,
    OSError,
)


@dataclass
class View:
    name: str
    step: Callable[[], int]
    backoff: float = 0.0
    retry_at: float = 0.0
    last_error: str | None = None
    last_error_at: float | None = None
    retries: int = 0  # failures in a row, reset by a success
    failures: int = 0  # failures since the process started
    locked: int = 0  # of which "database is locked"
    recovered_at: float | None = None

    @property
    def failing(self) -> bool:
        return self.last_error is not None

    def due(self, now: float) -> bool:
        return now >= self.retry_at

    def failed(self, error: Exception, max_backoff: float) -> float:
        """Note the failure; returns the seconds until the next attempt."""
        self.backoff = min(max_backoff, max(0.5, self.backoff * 2))
        self.retry_at = time.monotonic() + self.backoff
        self.last_error = f"{type(error).__name__}: {error}"
        self.last_error_at = time.time()
        self.retries += 1
        self.failures += 1
        if "database is locked" in str(error):
            self.locked += 1
        return self.backoff

    def recovered(self) -> None:
        self.backoff = 0.0
        self.retry_at = 0.0
        self.last_error = None
        self.retries = 0
        self.recovered_at = time.time()

    def report(self) -> dict[str, Any]:
        return {
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "retries": self.retries,
            "failures": self.failures,
            "locked_retries": self.locked,
            "recovered_at": self.recovered_at,
        }
