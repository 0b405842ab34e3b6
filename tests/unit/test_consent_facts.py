"""The consent enforcement fold, and the media a person's entry may name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest

from domain.app.consent_enforcement import exposure_of, showing_media, syndication_for
from domain.app.consent_facts import ARTIFACT_TOPICS, CONSENT_TOPICS, PERSON_TOPICS, ConsentFacts
from domain.consent_rules import MEMBERS_ONLY, Exposure
from domain.errors import InvalidInput
from domain.values import check_persons

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def topic(topics: dict[str, str], name: str) -> str:
    return next(t for t, n in topics.items() if n == name)


def given(facts: ConsentFacts, person: str, **extra: object) -> str:
    consent_id = str(uuid4())
    event = SimpleNamespace(
        originator_id=consent_id,
        person_id=person,
        artifact_id=None,
        given_by="person",
        given_at=T0,
        scope="adaptable",
        expires_at=None,
        **extra,
    )
    facts.fold(topic(CONSENT_TOPICS, "Given"), event)
    return consent_id


def published(facts: ConsentFacts, person: str) -> str:
    artifact_id = str(uuid4())
    persons = [{"person_id": person, "role": "named"}]
    facts.fold(
        topic(ARTIFACT_TOPICS, "Created"),
        SimpleNamespace(originator_id=artifact_id, content={"persons": persons}),
    )
    facts.fold(
        topic(ARTIFACT_TOPICS, "Published"),
        SimpleNamespace(originator_id=artifact_id, content={"persons": persons}),
    )
    return artifact_id


def test_a_publish_listing_persons_is_decided_and_one_listing_nobody_is_not_kept() -> None:
    facts = ConsentFacts()
    person = str(uuid4())
    artifact = published(facts, person)
    assert facts.pending() == [artifact]
    facts.settle(artifact)
    facts.fold(
        topic(ARTIFACT_TOPICS, "Created"),
        SimpleNamespace(originator_id=str(uuid4()), content={"persons": []}),
    )
    assert facts.pending() == [] and list(facts.artifacts) == [artifact]


def test_a_withdrawal_marks_the_artifacts_of_that_person_only() -> None:
    facts = ConsentFacts()
    rosa, sam = str(uuid4()), str(uuid4())
    consent = given(facts, rosa)
    hers, his = published(facts, rosa), published(facts, sam)
    for artifact in (hers, his):
        facts.settle(artifact)
    facts.take_changes()
    facts.fold(
        topic(CONSENT_TOPICS, "Withdrawn"),
        SimpleNamespace(originator_id=consent, at=T0 + timedelta(days=1)),
    )
    assert facts.pending() == [hers]
    changes = facts.take_changes()
    assert set(changes) == {"terms", "artifacts"}
    assert facts.all_terms()[0].withdrawn_at == T0 + timedelta(days=1)


def test_an_erasure_marks_every_artifact_listing_the_person() -> None:
    facts = ConsentFacts()
    rosa = str(uuid4())
    artifact = published(facts, rosa)
    facts.settle(artifact)
    facts.fold(topic(PERSON_TOPICS, "Erased"), SimpleNamespace(originator_id=rosa))
    assert facts.pending() == [artifact]
    assert facts.standing(rosa).erased


def test_the_sweep_finds_expiries_and_changes_dated_ahead_once() -> None:
    facts = ConsentFacts()
    rosa, sam = str(uuid4()), str(uuid4())
    given(facts, rosa, **{})
    expiring = given(facts, sam)
    facts.terms[expiring]["expires_at"] = (T0 + timedelta(days=2)).isoformat()
    withdrawn = next(i for i in facts.terms if i != expiring)
    facts.terms[withdrawn]["withdrawn_at"] = (T0 + timedelta(days=1)).isoformat()
    hers, his = published(facts, rosa), published(facts, sam)
    facts.settle(hers)
    facts.settle(his)
    facts.sweep(T0)
    assert facts.next_due(T0) == T0 + timedelta(days=1)
    assert facts.sweep(T0 + timedelta(days=1, seconds=1))[0].consent_id.hex == withdrawn.replace(
        "-", ""
    )
    assert facts.pending() == [hers]
    assert facts.next_due(T0 + timedelta(days=1, seconds=1)) == T0 + timedelta(days=2)
    facts.sweep(T0 + timedelta(days=3))
    assert set(facts.pending()) == {hers, his}
    assert facts.sweep(T0 + timedelta(days=4)) == []  # nothing twice


def test_exposure_and_syndication_round_trip() -> None:
    assert exposure_of({"visibility": "public"}) == Exposure("public", True, True)
    assert exposure_of({"visibility": "public", "syndication": "none"}) == Exposure("public")
    assert syndication_for(Exposure("public", shared=True)) == "shared"
    assert syndication_for(MEMBERS_ONLY) == "none"


def test_a_pictured_or_recorded_entry_names_the_media_showing_the_person() -> None:
    person, media = str(uuid4()), str(uuid4())
    checked = check_persons(
        [
            {"person_id": person, "role": "pictured", "media": [media, media]},
            {"person_id": person, "role": "named"},
        ]
    )
    assert checked == [
        {"person_id": person, "role": "pictured", "media": [media]},
        {"person_id": person, "role": "named"},
    ]
    assert showing_media([{"persons": checked}], {person}) == [media]
    with pytest.raises(InvalidInput):
        check_persons([{"person_id": person, "role": "named", "media": [media]}])
    with pytest.raises(InvalidInput):
        check_persons([{"person_id": person, "role": "recorded", "media": ["not-an-id"]}])
    with pytest.raises(InvalidInput):
        check_persons([{"person_id": person, "role": "recorded", "media": media}])
