"""A signed consent form: the scanned or photographed document behind a consent
given by signed form.

The form is a private document of one person. Its bytes are sealed with that
person's own key (the vault's) before they reach the media store, under a key of
their own (``consent-forms/<id>``, never a content address that public media could
share), so erasing the person makes every stored copy unreadable at once; the
erasure then deletes the objects too. The events hold no personal data: the
person's id, the type, size and digest of the document, who filed it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInput, NotFound
from domain.store import Store

FORM_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")
MAX_FORM_BYTES = 10 * 1024 * 1024


def form_key(form_id: UUID) -> str:
    return f"consent-forms/{form_id}"


class ConsentForm(Aggregate):
    """One filed form; its id is what a signed-form consent names as ``form_media_id``."""

    id: UUID

    @event("Filed")
    def __init__(
        self, person_id: UUID, content_type: str, size: int, sha256: str, by: str, at: datetime
    ) -> None:
        self.person_id = person_id
        self.content_type = content_type
        self.size = size
        self.sha256 = sha256
        self.filed_by = by
        self.filed_at = at
        self.destroyed_at: datetime | None = None

    @property
    def key(self) -> str:
        return form_key(self.id)

    @property
    def destroyed(self) -> bool:
        return self.destroyed_at is not None

    def destroy(self, by: str, at: datetime) -> None:
        if self.destroyed_at is None:
            self._destroy(by, at)

    @event("Destroyed")
    def _destroy(self, by: str, at: datetime) -> None:
        self.destroyed_at = at


def check_form(store: Store, person_id: UUID, evidence: dict[str, Any]) -> None:
    """A signed form's evidence names a form filed for this person and not destroyed."""
    named = str(evidence.get("form_media_id") or "").strip()
    if not named:
        return  # give_consent names what is missing
    refused = InvalidInput(
        "The form_media_id is not a consent form filed for this person; file the form "
        "first (POST /api/v1/persons/{id}/consent-forms) and give its id.",
        field="form_media_id",
    )
    try:
        form = store.load(ConsentForm, UUID(named))
    except (ValueError, NotFound):
        raise refused from None
    if form.person_id != person_id or form.destroyed:
        raise refused
