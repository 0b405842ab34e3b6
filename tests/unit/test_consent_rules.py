"""The consent rules: coverage, the publish checklist, and what an ending consent does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.consent import ConsentTerms, GivenBy, Scope, Standing
from domain.consent_rules import (
    MEMBERS_ONLY,
    REASON_CATEGORY,
    Exposure,
    Gap,
    Problem,
    checklist_items,
    counted_scope,
    covers,
    decide,
    due_expiries,
    gaps,
    next_expiry,
)

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
LATER = T0 + timedelta(days=7)
STORY = uuid4()
ANA = Standing(uuid4())
LEO = Standing(uuid4(), minor=True, minor_until=date(2031, 5, 1))
PUBLIC = Exposure("public")
SHARED = Exposure("public", shared=True)
ADAPTABLE = Exposure("public", shared=True, adaptable=True)


def terms(
    person: Standing,
    scope: Scope,
    *,
    artifact: UUID | None = STORY,
    by: GivenBy = GivenBy.PERSON,
    given_at: datetime = T0,
    expires_at: datetime | None = None,
    withdrawn_at: datetime | None = None,
    narrowed: tuple[tuple[datetime, Scope], ...] = (),
) -> ConsentTerms:
    return ConsentTerms(
        uuid4(),
        person.person_id,
        artifact,
        by,
        given_at,
        ((given_at, scope), *narrowed),
        expires_at,
        withdrawn_at,
    )


@pytest.mark.parametrize(
    ("exposure", "needed"),
    [
        (MEMBERS_ONLY, Scope.MEMBERS),
        (Exposure("members", shared=True, adaptable=True), Scope.MEMBERS),
        (PUBLIC, Scope.PUBLIC),
        (SHARED, Scope.SHARED),
        (ADAPTABLE, Scope.ADAPTABLE),
    ],
)
def test_what_an_exposure_needs(exposure: Exposure, needed: Scope) -> None:
    assert exposure.required() is needed


def test_a_wide_enough_consent_covers() -> None:
    assert covers([ANA], [terms(ANA, Scope.SHARED)], STORY, SHARED, LATER)
    assert covers([ANA], [terms(ANA, Scope.ADAPTABLE)], STORY, PUBLIC, LATER)


def test_missing_and_too_narrow_are_told_apart() -> None:
    found = gaps([ANA, LEO], [terms(ANA, Scope.MEMBERS)], STORY, PUBLIC, LATER)
    assert found == [
        Gap(ANA.person_id, Problem.TOO_NARROW, Scope.PUBLIC, Scope.MEMBERS),
        Gap(LEO.person_id, Problem.MISSING, Scope.PUBLIC),
    ]


def test_only_consents_for_this_artifact_or_all_of_them_count() -> None:
    other = terms(ANA, Scope.ADAPTABLE, artifact=uuid4())
    assert not covers([ANA], [other], STORY, PUBLIC, LATER)
    assert covers([ANA], [terms(ANA, Scope.PUBLIC, artifact=None)], STORY, PUBLIC, LATER)
    assert not covers([LEO], [terms(ANA, Scope.ADAPTABLE)], STORY, MEMBERS_ONLY, LATER)


def test_the_widest_of_several_consents_counts() -> None:
    found = [terms(ANA, Scope.MEMBERS), terms(ANA, Scope.SHARED, artifact=None)]
    assert counted_scope(ANA, found, STORY, LATER) is Scope.SHARED


def test_a_minor_needs_their_guardians_consent() -> None:
    own = terms(LEO, Scope.PUBLIC)
    assert gaps([LEO], [own], STORY, PUBLIC, LATER) == [
        Gap(LEO.person_id, Problem.GUARDIAN_NEEDED, Scope.PUBLIC)
    ]
    assert covers([LEO], [terms(LEO, Scope.PUBLIC, by=GivenBy.GUARDIAN)], STORY, PUBLIC, LATER)


def test_a_guardians_consent_outlasts_the_minority() -> None:
    adult_day = datetime(2031, 5, 1, tzinfo=UTC)
    guardian = terms(LEO, Scope.PUBLIC, by=GivenBy.GUARDIAN)
    assert covers([LEO], [guardian], STORY, PUBLIC, adult_day + timedelta(days=1))


def test_a_consent_given_while_a_minor_does_not_count_later() -> None:
    adult_later = datetime(2032, 1, 1, tzinfo=UTC)
    own_as_minor = terms(LEO, Scope.PUBLIC)
    assert gaps([LEO], [own_as_minor], STORY, PUBLIC, adult_later) == [
        Gap(LEO.person_id, Problem.MISSING, Scope.PUBLIC)
    ]
    own_as_adult = terms(LEO, Scope.PUBLIC, given_at=datetime(2031, 5, 1, tzinfo=UTC))
    assert covers([LEO], [own_as_adult], STORY, PUBLIC, adult_later)


def test_expiry_exactly_at_the_boundary_no_longer_covers() -> None:
    expires = T0 + timedelta(days=30)
    given = [terms(ANA, Scope.PUBLIC, expires_at=expires)]
    assert covers([ANA], given, STORY, PUBLIC, expires - timedelta(microseconds=1))
    assert not covers([ANA], given, STORY, PUBLIC, expires)


def test_before_it_was_given_a_consent_covers_nothing() -> None:
    given = [terms(ANA, Scope.PUBLIC, given_at=LATER)]
    assert not covers([ANA], given, STORY, PUBLIC, LATER - timedelta(microseconds=1))
    assert covers([ANA], given, STORY, PUBLIC, LATER)


def test_an_erased_person_stops_every_cover() -> None:
    erased = Standing(ANA.person_id, erased=True)
    given = [terms(ANA, Scope.ADAPTABLE)]
    assert gaps([erased], given, STORY, MEMBERS_ONLY, LATER) == [
        Gap(ANA.person_id, Problem.ERASED, Scope.MEMBERS)
    ]
    assert decide([erased], given, STORY, PUBLIC, LATER).action == "withdraw"


def test_checklist_names_each_person_and_what_is_needed() -> None:
    found = [
        Gap(ANA.person_id, Problem.TOO_NARROW, Scope.PUBLIC, Scope.MEMBERS),
        Gap(LEO.person_id, Problem.GUARDIAN_NEEDED, Scope.PUBLIC),
        Gap(uuid4(), Problem.MISSING, Scope.ADAPTABLE),
        Gap(uuid4(), Problem.ERASED, Scope.PUBLIC),
    ]
    names = {ANA.person_id: "Ana María López", LEO.person_id: "Leo"}
    assert checklist_items(found, names) == [
        "consent from Ana María López for the public web (theirs is for members only)",
        "consent from the guardian of Leo for the public web",
        "consent from an unnamed person for adaptation by other sites",
        "to take out a person who asked to be removed, or withdraw their part",
    ]


def test_decide_keeps_what_is_still_covered() -> None:
    decision = decide([ANA], [terms(ANA, Scope.PUBLIC)], STORY, PUBLIC, LATER)
    assert decision.action == "keep" and decision.exposure == PUBLIC and not decision.gaps


def test_a_withdrawal_narrows_to_members_when_a_members_consent_remains() -> None:
    given = [
        terms(ANA, Scope.PUBLIC, withdrawn_at=LATER),
        terms(ANA, Scope.MEMBERS, artifact=None),
    ]
    decision = decide([ANA], given, STORY, PUBLIC, LATER)
    assert decision.action == "narrow" and decision.exposure == MEMBERS_ONLY
    assert decision.reason_category == REASON_CATEGORY == "consent"
    assert [gap.person_id for gap in decision.gaps] == [ANA.person_id]


def test_a_narrowed_consent_narrows_the_artifact_from_its_moment() -> None:
    given = [terms(ANA, Scope.ADAPTABLE, narrowed=((LATER, Scope.PUBLIC),))]
    assert decide([ANA], given, STORY, ADAPTABLE, LATER - timedelta(seconds=1)).action == "keep"
    decision = decide([ANA], given, STORY, ADAPTABLE, LATER)
    assert decision.action == "narrow" and decision.exposure == PUBLIC


def test_an_expiry_withdraws_when_nothing_remains() -> None:
    given = [
        terms(ANA, Scope.PUBLIC, expires_at=LATER),
        terms(LEO, Scope.PUBLIC, by=GivenBy.GUARDIAN),
    ]
    decision = decide([ANA, LEO], given, STORY, PUBLIC, LATER)
    assert decision.action == "withdraw"
    assert [gap.person_id for gap in decision.gaps] == [ANA.person_id]


def test_the_public_reason_names_no_one() -> None:
    given = [terms(ANA, Scope.PUBLIC, withdrawn_at=LATER)]
    decision = decide([ANA], given, STORY, PUBLIC, LATER)
    assert "Ana" not in decision.public_reason and str(ANA.person_id) not in decision.public_reason
    assert decision.public_reason.startswith("Withdrawn")


def test_the_narrowest_person_sets_the_exposure() -> None:
    given = [terms(ANA, Scope.SHARED), terms(LEO, Scope.PUBLIC, by=GivenBy.GUARDIAN)]
    decision = decide([ANA, LEO], given, STORY, ADAPTABLE, LATER)
    assert decision.action == "narrow" and decision.exposure == PUBLIC
    assert Exposure("public").within(Scope.ADAPTABLE) == PUBLIC  # never wider than now


def test_due_expiries_fall_in_the_window_end_included() -> None:
    first = terms(ANA, Scope.PUBLIC, expires_at=LATER)
    second = terms(LEO, Scope.PUBLIC, expires_at=LATER + timedelta(seconds=30))
    withdrawn_first = terms(ANA, Scope.PUBLIC, expires_at=LATER, withdrawn_at=T0 + timedelta(1))
    found = [second, withdrawn_first, first]
    assert due_expiries(found, LATER - timedelta(minutes=1), LATER) == [first]
    assert due_expiries(found, LATER, LATER + timedelta(minutes=1)) == [second]
    assert due_expiries(found, LATER - timedelta(minutes=1), LATER + timedelta(minutes=1)) == [
        first,
        second,
    ]


def test_next_expiry() -> None:
    found = [
        terms(ANA, Scope.PUBLIC, expires_at=LATER + timedelta(days=2)),
        terms(LEO, Scope.PUBLIC, expires_at=LATER, withdrawn_at=T0 + timedelta(1)),
        terms(ANA, Scope.PUBLIC),
    ]
    assert next_expiry(found, T0) == LATER + timedelta(days=2)
    assert next_expiry(found, LATER + timedelta(days=2)) is None
