"""The Person aggregate: someone a story names or shows, or who contributed to it.

A person is not a login. Editors, and the partner who recorded them, manage
the record. Personal fields (the name, the guardian's contact) are sealed by
the ``PersonalDataVault`` before they enter an event, so an erasure destroys
one key instead of rewriting the log. What stays in clear is what the rules
need and what names no one: whether the person is a minor (and until when),
how they want to be credited, whether a guardian contact is on file, and who
recorded them.
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.access import Principal
from domain.errors import Forbidden, InvalidInput
from domain.vault_port import ERASED, PersonalDataVault, PersonErased

REMOVED = "a person who asked to be removed"
UNNAMED = "a contributor who asked not to be named"
NAME_LIMIT = 200
CONTACT_LIMIT = 300


class Credit(StrEnum):
    """How a person wants their name shown on every surface."""

    FULL_NAME = "full-name"
    FIRST_NAME = "first-name"
    INITIALS = "initials"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class PersonDetails:
    """The personal fields, in clear; they exist only in memory and in sealed blobs."""

    name: str
    given_name: str | None = None  # shown for "first name" credit when not the obvious part
    guardian_contact: str | None = None

    def checked(self) -> PersonDetails:
        name = _text(self.name, "name", NAME_LIMIT)
        if not name:
            raise InvalidInput("Give the person's name.", field="name")
        given = _text(self.given_name, "given_name", NAME_LIMIT) or None
        contact = _text(self.guardian_contact, "guardian_contact", CONTACT_LIMIT) or None
        return PersonDetails(name=name, given_name=given, guardian_contact=contact)

    def as_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "given_name": self.given_name,
            "guardian_contact": self.guardian_contact,
        }


def _text(value: str | None, field: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", (value or "")).strip()
    if len(text) > limit:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} is longer than {limit} characters.", field=field
        )
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(f"The {field.replace('_', ' ')} holds control characters.", field=field)
    return text


def parse_credit(value: str) -> Credit:
    try:
        return Credit(value)
    except ValueError:
        allowed = [c.value for c in Credit]
        raise InvalidInput(
            f"Unknown credit {value!r}. Use one of: {', '.join(allowed)}.",
            field="credit",
            allowed=allowed,
        ) from None


class Person(Aggregate):
    id: UUID

    @event("Recorded")
    def __init__(
        self,
        id: UUID,  # chosen before sealing: the key belongs to this id
        sealed: str,
        has_guardian_contact: bool,
        credit: str,
        by: str,
        indexes_consents: bool = False,  # absent from persons recorded before the index
    ) -> None:
        self.sealed: str | None = sealed
        self.has_guardian_contact = has_guardian_contact
        self.credit = Credit(credit)
        self.recorded_by = by
        self.minor = False
        self.minor_until: date | None = None
        self.erased_at: datetime | None = None
        # The ids of this person's consents; None for persons recorded before the
        # person kept them (their consents are found by reading every consent).
        self.consent_ids: list[UUID] | None = [] if indexes_consents else None

    @event("Revised")
    def _revise(self, sealed: str, has_guardian_contact: bool, by: str) -> None:
        self.sealed = sealed
        self.has_guardian_contact = has_guardian_contact

    @event("CreditChosen")
    def _choose_credit(self, credit: str, by: str) -> None:
        self.credit = Credit(credit)

    @event("MarkedMinor")
    def _mark_minor(self, until: str | None, by: str) -> None:
        self.minor = True
        self.minor_until = date.fromisoformat(until) if until else None

    @event("MarkedAdult")
    def _mark_adult(self, by: str) -> None:
        self.minor = False
        self.minor_until = None

    @event("Erased")
    def _erase(self, by: str, at: datetime) -> None:
        self.sealed = None
        self.has_guardian_contact = False
        self.erased_at = at

    @event("ConsentLinked")
    def _link_consent(self, consent_id: UUID, by: str) -> None:
        if self.consent_ids is not None:
            self.consent_ids = [*self.consent_ids, consent_id]

    # -- commands ---------------------------------------------------------

    def link_consent(self, consent_id: UUID, by: str) -> None:
        """Remember a consent given for this person; saved together with the consent."""
        self._refuse_if_erased()
        if self.consent_ids is not None and consent_id not in self.consent_ids:
            self._link_consent(consent_id, by)

    def revise(self, vault: PersonalDataVault, details: PersonDetails, by: str) -> None:
        self._refuse_if_erased()
        details = details.checked()
        if self.minor and not details.guardian_contact:
            raise InvalidInput("A minor needs a guardian contact.", field="guardian_contact")
        self._revise(seal(vault, self.id, details), bool(details.guardian_contact), by)

    def choose_credit(self, credit: str, by: str) -> None:
        self._refuse_if_erased()
        self._choose_credit(parse_credit(credit).value, by)

    def mark_minor(self, until: date | None, by: str) -> None:
        """A minor, for good (``until`` is ``None``) or until the day they come of age."""
        self._refuse_if_erased()
        if not self.has_guardian_contact:
            raise InvalidInput("Add a guardian contact first.", field="guardian_contact")
        self._mark_minor(until.isoformat() if until else None, by)

    def mark_adult(self, by: str) -> None:
        self._refuse_if_erased()
        self._mark_adult(by)

    def erase(self, vault: PersonalDataVault, by: str, at: datetime) -> None:
        """Destroy the person's key, then record that they were erased. Idempotent.

        The key goes first: should saving the event fail, the person is already
        unreadable, and erasing again records the event.
        """
        vault.destroy(self.id)
        if self.erased_at is None:
            self._erase(by, at)

    # -- queries ----------------------------------------------------------

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def is_minor(self, on: date) -> bool:
        """A minor on ``on``; with a "minor until" date, adult from that day on."""
        if not self.minor:
            return False
        return self.minor_until is None or on < self.minor_until

    def _refuse_if_erased(self) -> None:
        if self.erased:
            raise PersonErased("This person asked to be removed.", person=str(self.id))


def record_person(
    vault: PersonalDataVault,
    person_id: UUID,
    details: PersonDetails,
    *,
    credit: str,
    by: str,
    minor_until: date | None = None,
    minor: bool = False,
) -> Person:
    """A new Person, its personal fields sealed with a key of its own."""
    details = details.checked()
    choice = parse_credit(credit)
    is_minor = minor or minor_until is not None
    if is_minor and not details.guardian_contact:
        raise InvalidInput("A minor needs a guardian contact.", field="guardian_contact")
    person = Person(
        id=person_id,
        sealed=seal(vault, person_id, details),
        has_guardian_contact=bool(details.guardian_contact),
        credit=choice.value,
        by=by,
        indexes_consents=True,
    )
    if is_minor:
        person.mark_minor(minor_until, by)
    return person


def seal(vault: PersonalDataVault, person_id: UUID, details: PersonDetails) -> str:
    return base64.b64encode(vault.encrypt(person_id, details.as_fields())).decode("ascii")


def unseal(vault: PersonalDataVault, person: Person) -> PersonDetails | None:
    """The personal fields, or ``None`` once the person is erased."""
    if person.sealed is None:
        return None
    fields = vault.decrypt(person.id, base64.b64decode(person.sealed))
    if fields is ERASED:
        return None
    return PersonDetails(
        name=fields["name"],
        given_name=fields.get("given_name"),
        guardian_contact=fields.get("guardian_contact"),
    )


def may_manage(principal: Principal, person: Person) -> bool:
    """Editors manage every person; a partner manages the persons they recorded."""
    return principal.is_editor or (principal.id is not None and principal.id == person.recorded_by)


def require_manager(principal: Principal, person: Person) -> None:
    if not may_manage(principal, person):
        raise Forbidden("Only editors and the partner who recorded this person may change it.")
