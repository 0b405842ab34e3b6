"""Properties of the consent rules over generated persons, consents and moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.consent import ConsentTerms, GivenBy, Scope, Standing
from domain.consent_rules import MEMBERS_ONLY, Exposure, covers, decide, gaps

START = datetime(2026, 1, 1, tzinfo=UTC)
STORY = UUID(int=1)
EXPOSURES = [
    MEMBERS_ONLY,
    Exposure("public"),
    Exposure("public", shared=True),
    Exposure("public", shared=True, adaptable=True),
]
moments = st.integers(0, 400).map(lambda days: START + timedelta(days=days))


@st.composite
def standings(draw: st.DrawFn) -> Standing:
    minor = draw(st.booleans())
    until = draw(st.none() | st.integers(0, 400).map(lambda d: date(2026, 1, 1) + timedelta(d)))
    return Standing(uuid4(), minor=minor, minor_until=until if minor else None)


@st.composite
def consents_for(draw: st.DrawFn, person: Standing) -> ConsentTerms:
    given_at = draw(moments)
    scope = draw(st.sampled_from(list(Scope)))
    narrowed = draw(st.none() | st.sampled_from([s for s in Scope if s < scope] or [scope]))
    ends = st.none() | st.integers(1, 200).map(lambda d: given_at + timedelta(days=d))
    narrow_at = given_at + timedelta(days=draw(st.integers(1, 100)))
    return ConsentTerms(
        uuid4(),
        person.person_id,
        draw(st.sampled_from([STORY, None, UUID(int=2)])),
        draw(st.sampled_from(list(GivenBy))),
        given_at,
        ((given_at, scope),) + (((narrow_at, narrowed),) if narrowed else ()),
        draw(ends),
        draw(ends),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Standing], list[ConsentTerms], Exposure, datetime]:
    persons = draw(st.lists(standings(), min_size=1, max_size=3))
    consents = [draw(consents_for(p)) for p in persons for _ in range(draw(st.integers(0, 3)))]
    return persons, consents, draw(st.sampled_from(EXPOSURES)), draw(moments)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_decide_keeps_exactly_what_is_covered(
    case: tuple[list[Standing], list[ConsentTerms], Exposure, datetime],
) -> None:
    persons, consents, exposure, at = case
    decision = decide(persons, consents, STORY, exposure, at)
    assert (decision.action == "keep") == covers(persons, consents, STORY, exposure, at)
    assert len(decision.gaps) == len(gaps(persons, consents, STORY, exposure, at))


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_narrowed_artifact_is_covered_and_never_wider(
    case: tuple[list[Standing], list[ConsentTerms], Exposure, datetime],
) -> None:
    persons, consents, exposure, at = case
    decision = decide(persons, consents, STORY, exposure, at)
    assert decision.exposure.required() <= exposure.required()
    if decision.action == "narrow":
        assert decision.exposure != exposure
        assert covers(persons, consents, STORY, decision.exposure, at)
    assert decision.reason_category == "consent"
