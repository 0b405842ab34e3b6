"""Filing, reading and destroying signed consent forms (``domain/consent_forms.py``).

Only those who manage the person (editors, and the partner who recorded them) file
or read a form; everyone else learns nothing, not even that a form exists (404).
The bytes are checked (declared type, sniffed type, size), sealed with the person's
key and stored as a private object; nothing serves them but ``read``. Erasing the
person destroys the key (so every copy is unreadable at once), then deletes the
objects and records each form as destroyed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from typing import Any
from uuid import UUID, uuid4

from domain.access import Principal
from domain.app.media_intake import SNIFF_BYTES
from domain.application import Archive, CommandResult
from domain.catalogue import event_topic
from domain.consent_forms import FORM_TYPES, MAX_FORM_BYTES, ConsentForm
from domain.errors import InvalidInput, NotFound, TooLarge
from domain.people import Person, require_manager
from domain.ports.media import MediaInspector, MediaStore, MediaStoreUnavailable
from domain.results import now
from domain.vault_port import ERASED, PersonalDataVault, PersonErased

log = logging.getLogger("commonplace.consent_forms")


class ConsentForms:
    def __init__(
        self,
        archive: Archive,
        store: MediaStore,
        inspector: MediaInspector,
        vault: PersonalDataVault,
    ) -> None:
        self.archive = archive
        self.store = store
        self.inspector = inspector
        self.vault = vault

    def file(
        self, principal: Principal, person_id: UUID, data: bytes, content_type: str
    ) -> dict[str, Any]:
        """Checks, seals and stores a form for a person one manages."""
        person = self._managed(principal, person_id)
        if person.erased:
            raise PersonErased("This person asked to be removed.", person=str(person_id))
        declared = content_type.split(";", 1)[0].strip().lower()
        if declared not in FORM_TYPES:
            raise InvalidInput(
                f"A consent form is one of: {', '.join(FORM_TYPES)}; not {declared[:80]!r}.",
                field="content_type",
                allowed=list(FORM_TYPES),
            )
        if not data:
            raise InvalidInput("The form is empty; send the document as the body.", field="form")
        if len(data) > MAX_FORM_BYTES:
            raise TooLarge(f"A consent form is at most {MAX_FORM_BYTES} bytes.", field="form")
        real = self.inspector.sniff(data[:SNIFF_BYTES])
        if not self.inspector.matches(declared, real):
            raise InvalidInput(
                f"The form was sent as {declared} but its bytes are "
                f"{real or 'of an unrecognised type'}.",
                field="content_type",
            )
        assert principal.id is not None
        form = ConsentForm(  # type: ignore[call-arg]
            id=uuid4(),
            person_id=person_id,
            content_type=declared,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            by=principal.id,
            at=now(),
        )
        sealed = self.vault.encrypt(person_id, {"form": base64.b64encode(data).decode()})
        self.store.put(form.key, io.BytesIO(sealed), "application/octet-stream")
        try:
            self.archive.save(form)
        except Exception:
            self.store.delete(form.key)
            raise
        return form_view(form)

    def read(self, principal: Principal, person_id: UUID, form_id: UUID) -> tuple[bytes, str]:
        """The document and its type, for those who manage the person."""
        self._managed(principal, person_id)
        form = self._form(person_id, form_id)
        try:
            sealed = b"".join(self.store.read(form.key))
        except FileNotFoundError:  # deleted by an erasure that could not record it
            raise NotFound(f"No consent form {form_id} of this person.") from None
        opened = self.vault.decrypt(person_id, sealed)
        if opened is ERASED:
            raise NotFound(f"No consent form {form_id} of this person.")
        return base64.b64decode(opened["form"]), form.content_type

    def forms(self, principal: Principal, person_id: UUID) -> list[dict[str, Any]]:
        self._managed(principal, person_id)
        return [form_view(f) for f in self._forms_of(person_id) if not f.destroyed]

    def erase(self, principal: Principal, person_id: UUID) -> CommandResult:
        """Erases the person (their key first), then destroys their forms."""
        result = self.archive.people.erase(principal, person_id)
        assert principal.id is not None
        self.destroy_all(person_id, principal.id)
        return result

    def destroy_all(self, person_id: UUID, by: str) -> int:
        """Deletes every form object of the person and records it; returns how many."""
        destroyed = 0
        for form in self._forms_of(person_id):
            if form.destroyed:
                continue
            try:
                self.store.delete(form.key)
            except FileNotFoundError:
                pass
            except MediaStoreUnavailable:  # sealed with a destroyed key: unreadable anyway
                log.warning("Consent form %s left in storage: storage unreachable", form.id)
                continue
            form.destroy(by, now())
            self.archive.save(form)
            destroyed += 1
        return destroyed

    def _forms_of(self, person_id: UUID) -> list[ConsentForm]:
        found = []
        for _, form_id in self.archive.ids_of(event_topic(ConsentForm, "Filed")):
            form = self.archive.load(ConsentForm, form_id)
            if form.person_id == person_id:
                found.append(form)
        return found

    def _form(self, person_id: UUID, form_id: UUID) -> ConsentForm:
        missing = NotFound(f"No consent form {form_id} of this person.")
        try:
            form = self.archive.load(ConsentForm, form_id)
        except NotFound:
            raise missing from None
        if form.person_id != person_id or form.destroyed:
            raise missing
        return form

    def _managed(self, principal: Principal, person_id: UUID) -> Person:
        """The person, if the principal manages them; members and readers are refused
        by role, other partners learn nothing (404)."""
        person = self.archive.people.person_record(principal, person_id)
        try:
            require_manager(principal, person)
        except Exception:
            raise NotFound(f"No person {person_id} whose forms you may see.") from None
        return person


def form_view(form: ConsentForm) -> dict[str, Any]:
    return {
        "id": str(form.id),
        "person_id": str(form.person_id),
        "content_type": form.content_type,
        "size": form.size,
        "sha256": form.sha256,
        "filed_by": form.filed_by,
        "filed_at": form.filed_at.isoformat(),
        "url": f"/api/v1/persons/{form.person_id}/consent-forms/{form.id}",
    }
