"""Responses: a member's reflection on a published artifact, moderated by editors.

The community's principles ask members to analyse and learn from each other's
work; a ``Response`` is one member's written reflection (Markdown) on one
published artifact. Its life:

    pending ──approve──> approved
       └────decline────> declined (with a reason only its author and editors see)
    any of them ──withdraw (its author)──> withdrawn

Only an approved response is shown to the artifact's readers; its author and the
editors also see it while pending or declined; nobody sees a withdrawn one, nor
any response of an artifact that is no longer published (the rule is applied
when reading, so a withdrawal of the artifact takes its responses with it at
once). A response is never syndicated unless its author chose ``syndicate`` when
submitting it; even then only once approved, and only as a ``comment`` in the
artifact's JSON-LD.

``ResponseThread`` lists the responses of one artifact (its id derives from the
artifact's), so an artifact's responses are read without a read model.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict, Forbidden, InvalidInput
from domain.values import clean_text

NAMESPACE = uuid5(NAMESPACE_URL, "https://commonplace.invalid/responses")
PENDING = "pending"
APPROVED = "approved"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
STATUSES = (PENDING, APPROVED, DECLINED, WITHDRAWN)
MAX_TEXT = 5000  # characters in a response
MIN_TEXT = 2
MAX_REASON = 1000  # characters in the reason for declining


def checked_text(value: str, field: str, limit: int) -> str:
    """Text as stored: no control characters, trimmed, within ``limit`` characters."""
    text = clean_text(value or "", field).strip()
    if len(text) > limit:
        raise InvalidInput(
            f"The {field} has {len(text)} characters; at most {limit} fit.", field=field
        )
    return text


def response_text(value: str) -> str:
    text = checked_text(value, "text", MAX_TEXT)
    if len(text) < MIN_TEXT:
        raise InvalidInput("Write your response before sending it.", field="text")
    return text


def decline_reason(value: str) -> str:
    reason = checked_text(value, "reason", MAX_REASON)
    if not reason:
        raise InvalidInput(
            "Give a reason for declining the response; its author will see it.", field="reason"
        )
    return reason


def thread_id(artifact_id: UUID | str) -> UUID:
    return uuid5(NAMESPACE, f"thread|{artifact_id}")


class Response(Aggregate):
    """One member's response to one published artifact."""

    id: UUID

    @event("Submitted")
    def __init__(
        self, artifact_id: str, author: str, author_name: str, text: str, syndicate: bool
    ) -> None:
        self.artifact_id = artifact_id
        self.author = author
        self.author_name = author_name
        self.text = text
        self.syndicate = syndicate
        self.status = PENDING
        self.reason = ""
        self.moderated_by: str | None = None

    def _check_pending(self) -> None:
        if self.status != PENDING:
            raise Conflict(
                "Only a response waiting for moderation can be approved or declined; "
                "this one was already moderated.",
                response_status=self.status,
            )

    def approve(self, by: str) -> None:
        self._check_pending()
        self._approve(by=by, author=self.author, artifact_id=self.artifact_id)

    @event("Approved")
    def _approve(self, by: str, author: str, artifact_id: str) -> None:
        self.status = APPROVED
        self.moderated_by = by

    def decline(self, by: str, reason: str) -> None:
        self._check_pending()
        checked = decline_reason(reason)
        self._decline(by=by, reason=checked, author=self.author, artifact_id=self.artifact_id)

    @event("Declined")
    def _decline(self, by: str, reason: str, author: str, artifact_id: str) -> None:
        self.status = DECLINED
        self.reason = reason
        self.moderated_by = by

    def withdraw(self, by: str) -> None:
        if by != self.author:
            raise Forbidden("Only its author may withdraw a response.")
        if self.status == WITHDRAWN:
            raise Conflict("This response was already withdrawn.")
        self._withdraw(by=by)

    @event("Withdrawn")
    def _withdraw(self, by: str) -> None:
        self.status = WITHDRAWN

    def view(self, *, private: bool) -> dict[str, Any]:
        """Plain data; ``private`` adds what only its author and editors see."""
        found: dict[str, Any] = {
            "id": str(self.id),
            "artifact_id": self.artifact_id,
            "author_name": self.author_name,
            "text": self.text,
            "status": self.status,
            "syndicate": self.syndicate,
            "submitted_at": self.created_on,
            "version": self.version,
        }
        if private:
            found.update(author=self.author, reason=self.reason, changed_at=self.modified_on)
        return found


class ResponseThread(Aggregate):
    """The responses of one artifact, in the order they were submitted."""

    id: UUID

    @event("Started")
    def __init__(self, artifact_id: str) -> None:
        self.artifact_id = artifact_id
        self.response_ids: list[str] = []

    @event("Added")
    def add(self, response_id: str) -> None:
        self.response_ids = [*self.response_ids, response_id]
