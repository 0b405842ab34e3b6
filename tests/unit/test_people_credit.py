"""A person's name is shown as they asked."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.credit import credit_name, credited_name, initials, view_person
from domain.people import REMOVED, UNNAMED, Credit, PersonDetails, record_person
from domain.vault_port import InMemoryVault

ANA = PersonDetails("Ana María López")


@pytest.mark.parametrize(
    ("credit", "shown"),
    [
        (Credit.FULL_NAME, "Ana María López"),
        (Credit.FIRST_NAME, "Ana María"),
        (Credit.INITIALS, "A. M. L."),
        (Credit.ANONYMOUS, "a contributor who asked not to be named"),
    ],
)
def test_each_preference(credit: Credit, shown: str) -> None:
    assert credit_name(ANA, credit) == shown


def test_a_given_name_on_file_wins_over_the_guess() -> None:
    details = PersonDetails("María José García Pérez", given_name="María José")
    assert credit_name(details, Credit.FIRST_NAME) == "María José"


def test_a_single_word_name_is_its_own_first_name() -> None:
    assert credit_name(PersonDetails("Oyelaran"), Credit.FIRST_NAME) == "Oyelaran"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Jean-Luc Picard", "J.-L. P."),
        ("ólafur arnalds", "Ó. A."),
        ("Ngũgĩ wa Thiong'o", "N. W. T."),
        ("Mary  O'Neil", "M. O."),
    ],
)
def test_initials(name: str, shown: str) -> None:
    assert initials(name) == shown


def test_an_erased_person_is_never_named() -> None:
    for credit in Credit:
        assert credit_name(None, credit) == REMOVED
    assert UNNAMED != REMOVED


def test_credited_name_reads_through_the_vault() -> None:
    vault = InMemoryVault()
    person = record_person(vault, uuid4(), ANA, credit="initials", by="partner-1")
    assert credited_name(vault, person) == "A. M. L."
    person.erase(vault, by="editor-1", at=datetime.now(UTC))
    assert credited_name(vault, person) == REMOVED


def test_a_person_view_shows_personal_fields_only_to_managers() -> None:
    vault = InMemoryVault()
    details = PersonDetails("Ana María López", guardian_contact="Rosa, rosa@example.org")
    person = record_person(
        vault, uuid4(), details, credit="first-name", by="partner-1", minor_until=date(2031, 5, 1)
    )
    public = view_person(vault, person, personal=False, on=date(2026, 3, 1))
    assert public.shown_as == "Ana María" and public.minor and not public.erased
    assert public.name is None and public.guardian_contact is None
    managed = view_person(vault, person, personal=True, on=date(2031, 5, 1))
    assert (
        managed.name == "Ana María López" and managed.guardian_contact == details.guardian_contact
    )
    assert not managed.minor
    person.erase(vault, by="editor-1", at=datetime.now(UTC))
    erased = view_person(vault, person, personal=True, on=date(2026, 3, 1))
    assert erased.erased and erased.shown_as == REMOVED and erased.name is None
