"""Hostile input on persons and consents: every refusal is a problem+json with a clear
status and no other person's details; nothing answers 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_people_api import GUARDIAN, NAME, give, recorded
from tests.conftest import Api

PROBLEM = "application/problem+json"
BIG = "x" * 100_000


def refused(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, (answer.status_code, answer.text[:500])
    assert answer.headers["content-type"] == PROBLEM, answer.headers["content-type"]
    assert NAME not in answer.text and GUARDIAN not in answer.text
    return dict(answer.json())


PERSON_BODIES: list[tuple[str, Any]] = [
    ("oversized name", {"name": BIG}),
    ("oversized contact", {"name": "Ada", "guardian_contact": BIG, "minor": True}),
    ("control characters", {"name": "Ada\x00\x1b[31m"}),
    ("only spaces", {"name": "   "}),
    ("a number for a name", {"name": 12}),
    ("a list for a name", {"name": ["Ada"]}),
    ("minor as a word", {"name": "Ada", "minor": "maybe"}),
    ("unknown credit", {"name": "Ada", "credit": "nickname"}),
    ("minor without a guardian", {"name": "Ada", "minor": True}),
    (
        "not a date",
        {"name": "Ada", "minor": True, "guardian_contact": "g@x.org", "minor_until": "soon"},
    ),
    ("unknown field", {"name": "Ada", "date_of_birth": "2014-01-01"}),
    ("a list", [{"name": "Ada"}]),
]


@pytest.mark.parametrize(("case", "body"), PERSON_BODIES, ids=[c for c, _ in PERSON_BODIES])
def test_bad_persons_are_refused_clearly(api: Api, case: str, body: Any) -> None:
    answer = api.client.post("/api/v1/persons", json=body, headers=api.as_("partner"))
    problem = refused(answer, 422)
    assert problem["detail"], case


def test_a_body_that_is_not_json_is_refused(api: Api) -> None:
    for path in ("/api/v1/persons", "/api/v1/consents"):
        answer = api.client.post(
            path,
            content=b"\xff\xfe{name",
            headers=api.as_("partner", **{"Content-Type": "application/json"}),
        )
        refused(answer, 400)


CONSENT_BODIES: list[tuple[str, dict[str, Any], int]] = [
    ("a time with no zone", {"given_at": "2026-11-01T10:00:00"}, 422),
    ("an expiry with no zone", {"expires_at": "2027-01-01T00:00:00"}, 422),
    (
        "an expiry before it was given",
        {"given_at": "2026-11-01T10:00:00+00:00", "expires_at": "2026-10-01T00:00:00+00:00"},
        422,
    ),
    ("an unknown scope", {"scope": "everything"}, 422),
    ("an empty list of scopes", {"scope": []}, 422),
    ("an unknown method", {"method": "telepathy"}, 422),
    ("an unknown giver", {"given_by": "neighbour"}, 422),
    ("evidence too long", {"evidence": {"witness": BIG}}, 422),
    ("evidence not text", {"evidence": {"witness": {"name": "x"}}}, 422),
    ("too much evidence", {"evidence": {f"k{i}": "v" for i in range(50)}}, 422),
    ("control characters in evidence", {"evidence": {"witness": "Ms.\x00Staff"}}, 422),
    ("a person id that is no id", {"_person_id": "../../etc/passwd"}, 422),
    ("an unknown person", {"_person_id": "00000000-0000-4000-8000-000000000000"}, 422),
    ("an unknown artifact", {"artifact_id": "00000000-0000-4000-8000-000000000000"}, 422),
    ("a guardian for an adult", {"given_by": "guardian", "_adult": True}, 422),
]


@pytest.mark.parametrize(
    ("case", "changes", "status"), CONSENT_BODIES, ids=[c for c, _, _ in CONSENT_BODIES]
)
def test_bad_consents_are_refused_clearly(
    api: Api, case: str, changes: dict[str, Any], status: int
) -> None:
    changes = dict(changes)  # the cases are shared by both databases' runs
    adult = changes.pop("_adult", False)
    fields: dict[str, Any] = {"minor": False, "guardian_contact": None} if adult else {}
    person = recorded(api, **fields)
    person_id = changes.pop("_person_id", person["id"])
    problem = refused(give(api, person_id, **changes), status)
    assert problem["detail"], case


def test_another_partners_person_is_out_of_reach(api: Api, ready_story: dict[str, Any]) -> None:
    person = recorded(api)
    consent = give(api, person["id"])
    assert consent.status_code == 201, consent.text
    consent_id = consent.json()["id"]
    refused(give(api, person["id"], who="other-partner"), 403)
    base = f"/api/v1/consents/{consent_id}"
    for path, body in ((f"{base}/withdraw", {}), (f"{base}/narrow", {"scope": "members"})):
        # Not visible: the answer does not even say the consent exists.
        refused(api.client.post(path, json=body, headers=api.as_("other-partner")), 404)
    refused(api.client.get(f"/api/v1/consents/{consent_id}", headers=api.as_("other-partner")), 404)
    listed = api.client.get(
        "/api/v1/consents", params={"person_id": person["id"]}, headers=api.as_("other-partner")
    )
    assert listed.status_code in (200, 403) and consent_id not in listed.text
    for who, status in (("member", 403), ("anonymous", 401)):
        refused(api.client.get(f"/api/v1/consents/{consent_id}", headers=api.as_(who)), status)
        refused(api.client.get("/api/v1/consents", headers=api.as_(who)), status)
    # Listing another partner's person in one's own draft.
    draft = api.client.post(
        "/api/v1/artifacts",
        json={
            "kind": "story",
            **ready_story,
            "persons": [{"person_id": person["id"], "role": "named"}],
        },
        headers=api.as_("other-partner"),
    )
    refused(draft, 403)


def test_narrowing_and_withdrawing_refuse_what_makes_no_sense(api: Api) -> None:
    person = recorded(api)
    consent_id = give(api, person["id"]).json()["id"]
    base = f"/api/v1/consents/{consent_id}"
    headers = api.as_("partner")
    refused(api.client.post(f"{base}/narrow", json={"scope": "adaptable"}, headers=headers), 422)
    refused(
        api.client.post(
            f"{base}/narrow", json={"scope": "members", "at": "2026-01-01T00:00"}, headers=headers
        ),
        422,
    )
    refused(api.client.post(f"{base}/withdraw", json={"at": "yesterday"}, headers=headers), 422)
    refused(api.client.post(f"{base}/withdraw", json=[1, 2], headers=headers), 422)
    done = api.client.post(f"{base}/withdraw", headers=headers)
    assert done.status_code == 200, done.text
    again = api.client.post(f"{base}/withdraw", headers=headers)
    assert again.status_code in (200, 409), again.text
    if again.status_code == 409:
        refused(again, 409)


def test_revising_with_hostile_input(api: Api) -> None:
    person = recorded(api)
    path = f"/api/v1/persons/{person['id']}"
    for body, status in (
        ({"name": BIG}, 422),
        ({"credit": None, "minor": "x"}, 422),
        ({"minor": True, "guardian_contact": ""}, 422),
        ({"name": "Ada\x07"}, 422),
    ):
        answer = api.client.patch(
            path, json=body, headers=api.as_("partner", **{"If-Match": '"2"'})
        )
        refused(answer, status)
    stale = api.client.patch(
        path, json={"credit": "anonymous"}, headers=api.as_("partner", **{"If-Match": '"1"'})
    )
    refused(stale, 409 if stale.status_code == 409 else 412)
    refused(api.client.get("/api/v1/persons/not-a-uuid", headers=api.as_("partner")), 422)
