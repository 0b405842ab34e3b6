"""How a person's name is shown, by their own choice, on every surface.

Pages, the API, search documents, feeds, OAI-PMH, JSON-LD, packages and
citations all call ``credited_name``; nothing shows a person's name another way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.people import REMOVED, UNNAMED, Credit, Person, PersonDetails, unseal
from domain.vault_port import PersonalDataVault


def credit_name(details: PersonDetails | None, credit: Credit) -> str:
    """``"Ana María López"`` → full name, ``"Ana María"``, ``"A. M. L."`` or the unnamed phrase.

    ``None`` details mean the person was erased.
    """
    if details is None:
        return REMOVED
    if credit is Credit.ANONYMOUS:
        return UNNAMED
    if credit is Credit.FIRST_NAME:
        return first_name(details)
    if credit is Credit.INITIALS:
        return initials(details.name)
    return details.name


def first_name(details: PersonDetails) -> str:
    """The given name on file, or every word of the name but the last."""
    if details.given_name:
        return details.given_name
    words = details.name.split()
    return " ".join(words[:-1]) if len(words) > 1 else details.name


def initials(name: str) -> str:
    """``"Ana María López"`` → ``"A. M. L."``; ``"Jean-Luc Picard"`` → ``"J.-L. P."``."""
    return " ".join(_word_initials(word) for word in name.split())


def _word_initials(word: str) -> str:
    return "-".join(_initial(part) for part in word.split("-") if part)


def _initial(part: str) -> str:
    letters = [ch for ch in unicodedata.normalize("NFC", part) if ch.isalpha()]
    return f"{letters[0].upper()}." if letters else ""


def credited_name(vault: PersonalDataVault, person: Person) -> str:
    """The name to show for ``person``, as they asked (or the removed phrase after erasure)."""
    return credit_name(unseal(vault, person), person.credit)


@dataclass(frozen=True)
class PersonView:
    """A person as a query returns them: plain data, personal fields only for managers."""

    id: UUID
    shown_as: str  # the credited name, as every public surface shows it
    credit: str
    minor: bool
    minor_until: date | None
    erased: bool
    recorded_by: str
    name: str | None = None  # the fields below only for editors and the recording partner
    given_name: str | None = None
    guardian_contact: str | None = None


def view_person(
    vault: PersonalDataVault, person: Person, *, personal: bool, on: date
) -> PersonView:
    """``personal`` is ``may_manage(principal, person)``; ``on`` is the day minority is judged."""
    details = unseal(vault, person)
    view = PersonView(
        id=person.id,
        shown_as=credit_name(details, person.credit),
        credit=person.credit.value,
        minor=person.is_minor(on),
        minor_until=person.minor_until,
        erased=person.erased,
        recorded_by=person.recorded_by,
    )
    if not personal or details is None:
        return view
    return replace(
        view,
        name=details.name,
        given_name=details.given_name,
        guardian_contact=details.guardian_contact,
    )
