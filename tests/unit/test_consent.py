"""The Consent aggregate: who may give it, its scope, narrowing, withdrawal, expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application

from domain.consent import Consent, GivenBy, Scope, Standing, give_consent, parse_scope
from domain.errors import Conflict, InvalidInput
from domain.people import Person, PersonDetails, record_person
from domain.vault_port import InMemoryVault, PersonErased

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
ADULT = Standing(uuid4())
MINOR = Standing(uuid4(), minor=True, minor_until=date(2031, 5, 1))


def consent(person: Standing = ADULT, **changes: Any) -> Consent:
    arguments: dict[str, Any] = {
        "artifact_id": None,
        "given_by": "person",
        "given_at": T0,
        "method": "online",
        "evidence": {},
        "scope": "public",
        "expires_at": None,
        "by": "partner-1",
        **changes,
    }
    return give_consent(person, **arguments)


def test_the_giver_must_fit_the_person() -> None:
    assert consent(MINOR, given_by="guardian").given_by is GivenBy.GUARDIAN
    with pytest.raises(InvalidInput, match="guardian"):
        consent(MINOR, given_by="person")
    with pytest.raises(InvalidInput, match="guardian"):
        consent(ADULT, given_by="guardian")


def test_a_minor_who_came_of_age_gives_their_own() -> None:
    later = datetime(2031, 5, 1, tzinfo=UTC)
    assert consent(MINOR, given_at=later).given_by is GivenBy.PERSON
    with pytest.raises(InvalidInput):
        consent(MINOR, given_by="guardian", given_at=later)


def test_an_erased_person_gives_no_consent() -> None:
    with pytest.raises(PersonErased):
        consent(Standing(uuid4(), erased=True))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "signed-form"}, "form_media_id"),
        ({"method": "verbal", "evidence": {"witness": "  "}}, "witness"),
        ({"method": "carrier pigeon"}, "Unknown method"),
        ({"given_by": "teacher"}, "Unknown given_by"),
        ({"scope": "everywhere"}, "Unknown scope"),
        ({"scope": []}, "Name the scope"),
        ({"given_at": datetime(2026, 3, 1, 9)}, "time zone"),
        ({"expires_at": T0}, "expire after"),
        ({"expires_at": datetime(2027, 1, 1)}, "time zone"),
    ],
)
def test_bad_consents_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        consent(ADULT, **changes)


def test_evidence_by_method() -> None:
    form = consent(method="signed-form", evidence={"form_media_id": "m-1", "note": " "})
    assert form.evidence == {"form_media_id": "m-1"}
    verbal = consent(method="verbal", evidence={"witness": "editor-1"})
    assert verbal.evidence == {"witness": "editor-1"}


def test_scopes_combine_to_the_widest_named() -> None:
    assert parse_scope(["members", "adaptable"]) is Scope.ADAPTABLE
    assert parse_scope("Public") is Scope.PUBLIC
    assert Scope.MEMBERS < Scope.PUBLIC < Scope.SHARED < Scope.ADAPTABLE


def test_scope_in_force_over_time() -> None:
    given = consent(scope="shared", expires_at=T0 + timedelta(days=30))
    given.narrow(Scope.MEMBERS, at=T0 + timedelta(days=10), by="editor-1")
    terms = given.terms()
    assert terms.scope_at(T0 - timedelta(microseconds=1)) is None
    assert terms.scope_at(T0) is Scope.SHARED
    assert terms.scope_at(T0 + timedelta(days=10) - timedelta(microseconds=1)) is Scope.SHARED
    assert terms.scope_at(T0 + timedelta(days=10)) is Scope.MEMBERS


def test_expiry_exactly_at_the_boundary() -> None:
    expires = T0 + timedelta(days=30)
    terms = consent(expires_at=expires).terms()
    assert terms.scope_at(expires - timedelta(microseconds=1)) is Scope.PUBLIC
    assert terms.scope_at(expires) is None
    assert terms.ends_at() == expires


def test_withdrawal_ends_the_consent_from_its_moment() -> None:
    given = consent()
    given.withdraw(at=T0 + timedelta(hours=1), by="partner-1")
    terms = given.terms()
    assert terms.scope_at(T0 + timedelta(minutes=59)) is Scope.PUBLIC
    assert terms.scope_at(T0 + timedelta(hours=1)) is None
    with pytest.raises(Conflict):
        given.withdraw(at=T0 + timedelta(hours=2), by="partner-1")
    with pytest.raises(Conflict):
        given.narrow(Scope.MEMBERS, at=T0 + timedelta(hours=2), by="partner-1")


def test_narrowing_only_narrows() -> None:
    given = consent(scope="public")
    for wider in (Scope.PUBLIC, Scope.ADAPTABLE):
        with pytest.raises(InvalidInput, match="new consent"):
            given.narrow(wider, at=T0, by="p")


def test_consents_and_persons_survive_the_event_store() -> None:
    app: Application[UUID] = Application()
    vault = InMemoryVault()
    person = record_person(
        vault,
        uuid4(),
        PersonDetails("Ana", guardian_contact="g@example.org"),
        credit="initials",
        by="p",
        minor_until=date(2031, 5, 1),
    )
    given = consent(
        Standing.of(person), given_by="guardian", artifact_id=uuid4(), expires_at=T0 + timedelta(1)
    )
    given.narrow(Scope.MEMBERS, at=T0 + timedelta(hours=1), by="p")
    app.save(person, given)
    loaded: Consent = app.repository.get(given.id)
    assert loaded.terms() == given.terms()
    again: Person = app.repository.get(person.id)
    assert again.minor_until == date(2031, 5, 1) and again.sealed == person.sealed
