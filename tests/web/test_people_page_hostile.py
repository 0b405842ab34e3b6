"""Hostile forms on a draft's people page: each is refused with the page, the reason and
the status the API would answer with; never a 500, never another partner's person."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Demo
from tests.web.test_people_page import STORY, bearer, post

BIG = "y" * 20_000
OTHERS = "Ottavia Benedetti Ruscone"


def draft(demo: Demo) -> tuple[Any, str]:
    partner = demo.client("partner")
    created = partner.post("/api/v1/artifacts", json=STORY, headers=bearer(demo, "partner"))
    assert created.status_code == 201, created.text
    return partner, f"/drafts/{created.json()['id']}/people"


def others_person(demo: Demo) -> str:
    client = demo.client("other-partner")
    answer = client.post(
        "/api/v1/persons",
        json={"name": OTHERS, "credit": "full-name"},
        headers=bearer(demo, "other-partner"),
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


NEW_PERSON: list[tuple[str, dict[str, str], int]] = [
    ("oversized name", {"name": BIG}, 422),
    ("control characters", {"name": "Ana\x1b[2J"}, 422),
    ("no name", {"name": ""}, 422),
    ("unknown credit", {"name": "Ana", "credit": "nickname"}, 422),
    ("unknown role", {"name": "Ana", "role": "owner"}, 422),
    (
        "not a date",
        {"name": "Ana", "minor": "yes", "guardian_contact": "g@x.org", "minor_until": "31/12/2030"},
        422,
    ),
    ("oversized contact", {"name": "Ana", "minor": "yes", "guardian_contact": BIG}, 422),
]


@pytest.mark.parametrize(
    ("case", "fields", "status"), NEW_PERSON, ids=[c for c, _, _ in NEW_PERSON]
)
def test_a_bad_new_person_is_refused_on_the_page(
    demo: Demo, case: str, fields: dict[str, str], status: int
) -> None:
    partner, path = draft(demo)
    page = partner.get(path)
    answer = post(partner, f"{path}/new", page.text, **fields)
    assert answer.status_code == status, (case, answer.status_code, answer.text[-400:])
    assert 'role="alert"' in answer.text or "error" in answer.text


CONSENT: list[tuple[str, dict[str, str], int]] = [
    ("no person", {"person_id": ""}, 422),
    ("a person id that is no id", {"person_id": "1 OR 1=1"}, 422),
    ("an unknown scope", {"scope": "everything"}, 422),
    ("an unknown method", {"method": "telepathy"}, 422),
    ("no witness", {"method": "verbal", "evidence": ""}, 422),
    ("a witness too long", {"evidence": BIG}, 422),
    ("a witness with control characters", {"evidence": "Ms.\x00Staff"}, 422),
    ("an expiry that has passed", {"expires": "2001-01-01"}, 422),
    ("an expiry that is no date", {"expires": "tomorrow"}, 422),
]


@pytest.mark.parametrize(("case", "fields", "status"), CONSENT, ids=[c for c, _, _ in CONSENT])
def test_a_bad_consent_is_refused_on_the_page(
    demo: Demo, case: str, fields: dict[str, str], status: int
) -> None:
    partner, path = draft(demo)
    page = partner.get(path)
    listed = post(
        partner, f"{path}/new", page.text, name="Ana Student", role="named", credit="initials"
    )
    assert listed.status_code == 303, listed.text[-400:]
    page = partner.get(path)
    person = page.text.split('name="person_id" value="', 1)[1].split('"', 1)[0]
    body = {
        "person_id": person,
        "scope": "public",
        "given_by": "person",
        "method": "verbal",
        "evidence": "Ms. Staff",
        **fields,
    }
    answer = post(partner, f"{path}/consent/content", page.text, **body)
    assert answer.status_code == status, (case, answer.status_code, answer.text[-400:])


def test_another_partners_person_cannot_be_listed_or_consented_for(demo: Demo) -> None:
    partner, path = draft(demo)
    theirs = others_person(demo)
    page = partner.get(path)
    assert OTHERS not in page.text
    listed = post(partner, f"{path}/list", page.text, person_id=theirs, role="named")
    assert listed.status_code == 403, listed.text[-400:]
    assert OTHERS not in listed.text
    consent = post(
        partner,
        f"{path}/consent/content",
        page.text,
        person_id=theirs,
        scope="public",
        given_by="person",
        method="online",
    )
    assert consent.status_code in (403, 404), consent.text[-400:]
    assert OTHERS not in consent.text


def test_another_partners_draft_and_readers_are_refused(demo: Demo) -> None:
    _, path = draft(demo)
    other = demo.client("other-partner")
    assert other.get(path).status_code in (403, 404)
    member = demo.client("member")
    assert member.get(path).status_code == 403
    anonymous = demo.client()
    assert anonymous.get(path, follow_redirects=False).status_code in (303, 401)
    missing = demo.client("partner").get("/drafts/00000000-0000-4000-8000-000000000000/people")
    assert missing.status_code == 404
    assert demo.client("partner").get("/drafts/not-an-id/people").status_code in (404, 422)
