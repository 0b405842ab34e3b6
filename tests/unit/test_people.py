"""The Person aggregate, against the in-memory vault."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidInput
from domain.people import (
    REMOVED,
    Credit,
    Person,
    PersonDetails,
    may_manage,
    record_person,
    require_manager,
    unseal,
)
from domain.vault_port import InMemoryVault, PersonErased

NAME = "Ana María López"
GUARDIAN = "Rosa López, rosa@example.org"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def vault() -> InMemoryVault:
    return InMemoryVault()


def student(vault: InMemoryVault, until: date | None = date(2030, 9, 1)) -> Person:
    return record_person(
        vault,
        uuid4(),
        PersonDetails(NAME, guardian_contact=GUARDIAN),
        credit="first-name",
        by="partner-1",
        minor_until=until,
    )


def test_events_carry_the_personal_fields_sealed(vault: InMemoryVault) -> None:
    person = student(vault)
    events = person.collect_events()
    assert [type(e).__name__ for e in events] == ["Recorded", "MarkedMinor"]
    text = repr(events)
    assert NAME not in text and "Rosa" not in text and "rosa@" not in text
    assert unseal(vault, person) == PersonDetails(NAME, guardian_contact=GUARDIAN)


def test_what_stays_in_clear_names_no_one(vault: InMemoryVault) -> None:
    person = student(vault)
    assert person.credit is Credit.FIRST_NAME
    assert person.recorded_by == "partner-1"
    assert person.has_guardian_contact and person.minor_until == date(2030, 9, 1)


def test_a_minor_until_a_date_is_adult_from_that_day(vault: InMemoryVault) -> None:
    person = student(vault, until=date(2030, 9, 1))
    assert person.is_minor(date(2030, 8, 31))
    assert not person.is_minor(date(2030, 9, 1))


def test_a_minor_without_a_date_stays_one_until_marked_adult(vault: InMemoryVault) -> None:
    person = record_person(
        vault,
        uuid4(),
        PersonDetails(NAME, guardian_contact=GUARDIAN),
        credit="initials",
        by="p",
        minor=True,
    )
    assert person.is_minor(date(2090, 1, 1))
    person.mark_adult(by="editor-1")
    assert not person.is_minor(date(2026, 1, 1))


def test_a_minor_needs_a_guardian_contact(vault: InMemoryVault) -> None:
    with pytest.raises(InvalidInput, match="guardian"):
        record_person(vault, uuid4(), PersonDetails(NAME), credit="full-name", by="p", minor=True)
    adult = record_person(vault, uuid4(), PersonDetails(NAME), credit="full-name", by="p")
    with pytest.raises(InvalidInput, match="guardian"):
        adult.mark_minor(None, by="p")
    minor = student(vault)
    with pytest.raises(InvalidInput, match="guardian"):
        minor.revise(vault, PersonDetails(NAME), by="p")


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (PersonDetails("   "), "name"),
        (PersonDetails("x" * 201), "longer"),
        (PersonDetails("Ana\x00López"), "control"),
    ],
)
def test_bad_details_are_refused(
    vault: InMemoryVault, details: PersonDetails, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        record_person(vault, uuid4(), details, credit="full-name", by="p")


def test_an_unknown_credit_is_refused(vault: InMemoryVault) -> None:
    with pytest.raises(InvalidInput, match="full-name, first-name, initials, anonymous"):
        record_person(vault, uuid4(), PersonDetails(NAME), credit="nickname", by="p")


def test_revising_and_choosing_credit(vault: InMemoryVault) -> None:
    person = student(vault)
    person.revise(vault, PersonDetails("Ana M. López", guardian_contact=GUARDIAN), by="p")
    person.choose_credit("anonymous", by="p")
    assert unseal(vault, person) == PersonDetails("Ana M. López", guardian_contact=GUARDIAN)
    assert person.credit is Credit.ANONYMOUS


def test_erasure_destroys_the_key_and_refuses_new_data(vault: InMemoryVault) -> None:
    person = student(vault)
    person.erase(vault, by="editor-1", at=NOW)
    assert person.erased and person.erased_at == NOW and person.sealed is None
    assert vault.is_erased(person.id)
    assert unseal(vault, person) is None
    with pytest.raises(PersonErased):
        person.revise(vault, PersonDetails("Someone"), by="p")
    with pytest.raises(PersonErased):
        person.choose_credit("full-name", by="p")
    with pytest.raises(PersonErased):
        person.mark_adult(by="p")
    person.erase(vault, by="editor-1", at=NOW)  # again: nothing new is recorded
    names = [type(e).__name__ for e in person.collect_events()]
    assert names.count("Erased") == 1 and names[-1] == "Erased"


def test_the_erased_phrase_is_neutral() -> None:
    assert REMOVED == "a person who asked to be removed"


def test_editors_and_the_recording_partner_manage_a_person(vault: InMemoryVault) -> None:
    person = student(vault)
    editor = Principal("editor-9", "E", Role.EDITOR)
    recorder = Principal("partner-1", "P", Role.PARTNER)
    other = Principal("partner-2", "Q", Role.PARTNER)
    member = Principal("member-1", "M", Role.MEMBER)
    assert may_manage(editor, person) and may_manage(recorder, person)
    assert not may_manage(other, person) and not may_manage(member, person)
    with pytest.raises(Forbidden):
        require_manager(other, person)
