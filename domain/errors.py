"""Named domain errors. The API maps each to one HTTP status, in one place.

Messages are English sentences. The API gives them in the reader's language at its
edge (``services/api/problem_text.py``), from the gettext catalogue: an error made
with :meth:`DomainError.from_template` carries its ``%(name)s`` template and
parameters; any other message is recognised there by its English wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self


class DomainError(Exception):
    """Base class: something a person asked for cannot be done as asked."""

    title = "Request cannot be carried out"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.template: str | None = None
        self.params: dict[str, object] = {}

    @classmethod
    def from_template(cls, template: str, params: Mapping[str, object], **extra: Any) -> Self:
        """An error whose English detail is ``template % params``, keeping both, so the
        API can give the same message in another language (the template is a msgid)."""
        error = cls(template % dict(params), **extra)
        error.template = template
        error.params = dict(params)
        return error


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
