"""Named domain errors. The API maps each to one HTTP status, in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: something a person asked for cannot be done as asked."""

    title = "Request cannot be carried out"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    title = "Not found"


class Gone(DomainError):
    title = "Withdrawn"


class InvalidInput(DomainError):
    """A value is of the right type but not acceptable (unknown term, bad licence…)."""

    title = "Invalid input"


class Conflict(DomainError):
    """The request is valid but clashes with the current state."""

    title = "Conflict"


class VersionConflict(DomainError):
    """The caller edited an older version than the current one."""

    title = "Version conflict"


class PublishRequirementsMissing(DomainError):
    title = "Not ready to publish"


class Forbidden(DomainError):
    title = "Forbidden"


class TooLarge(DomainError):
    title = "Too large"


class ConcurrentWrite(Conflict):
    """Two writes to the same aggregate version raced; the store kept the first (HTTP 409)."""

    title = "Concurrent change"
