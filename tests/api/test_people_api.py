"""Persons and consents over HTTP, on SQLite and PostgreSQL: who sees what, erasure, bad input."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from infra.settings import Settings
from infra.vault import KeyedVault
from tests.conftest import Api

PROBLEM = "application/problem+json"
NAME = "Leonora Quintavalle"
GUARDIAN = "guardian.quintavalle@example.org"
REMOVED = "a person who asked to be removed"


def record(api: Api, who: str = "partner", **fields: Any) -> Any:
    body = {"name": NAME, "credit": "initials", "guardian_contact": GUARDIAN, "minor": True}
    return api.client.post("/api/v1/persons", json={**body, **fields}, headers=api.as_(who))


def recorded(api: Api, who: str = "partner", **fields: Any) -> dict[str, Any]:
    answer = record(api, who, **fields)
    assert answer.status_code == 201, answer.text
    return answer.json()


def give(api: Api, person_id: str, who: str = "partner", **fields: Any) -> Any:
    body = {
        "person_id": person_id,
        "given_by": "guardian",
        "method": "verbal",
        "evidence": {"witness": "Ms. Staff"},
        "scope": "members",
    }
    return api.client.post("/api/v1/consents", json={**body, **fields}, headers=api.as_(who))


def test_the_recording_partner_and_editors_see_the_name_others_only_the_credit(api: Api) -> None:
    person = recorded(api)
    assert person["name"] == NAME and person["guardian_contact"] == GUARDIAN
    assert person["shown_as"] == "L. Q." and person["minor"] is True
    path = f"/api/v1/persons/{person['id']}"
    for who in ("partner", "editor", "admin"):
        seen = api.client.get(path, headers=api.as_(who))
        assert seen.status_code == 200, seen.text
        assert seen.json()["name"] == NAME and seen.headers["ETag"] == '"2"'
    other = api.client.get(path, headers=api.as_("other-partner"))
    assert other.status_code == 200 and other.json()["shown_as"] == "L. Q."
    assert NAME not in other.text and GUARDIAN not in other.text and "name" not in other.json()
    for who, status in (("member", 403), ("anonymous", 401)):
        refused = api.client.get(path, headers=api.as_(who))
        assert refused.status_code == status and refused.headers["content-type"] == PROBLEM
        assert "Leonora" not in refused.text and "L. Q." not in refused.text


def test_lists_hold_only_the_persons_one_manages(api: Api) -> None:
    mine = recorded(api)
    theirs = recorded(api, "other-partner", name="Other Person", minor=False)
    assert [
        p["id"] for p in api.client.get("/api/v1/persons", headers=api.as_("partner")).json()
    ] == [mine["id"]]
    listed = api.client.get("/api/v1/persons", headers=api.as_("editor")).json()
    assert {p["id"] for p in listed} == {mine["id"], theirs["id"]}
    assert api.client.get("/api/v1/persons", headers=api.as_("member")).status_code == 403
    assert api.client.get("/api/v1/persons").status_code == 401


def test_members_may_not_record_and_other_partners_may_not_change(api: Api) -> None:
    assert record(api, "member").status_code == 403
    assert record(api, "anonymous").status_code == 401
    person = recorded(api)
    path = f"/api/v1/persons/{person['id']}"
    headers = api.as_("other-partner", **{"If-Match": '"2"'})
    assert api.client.patch(path, json={"credit": "full-name"}, headers=headers).status_code == 403
    erase = api.client.post(f"{path}/erase", headers=api.as_("other-partner"))
    assert erase.status_code == 403 and NAME not in erase.text
    assert give(api, person["id"], "other-partner").status_code == 403


def test_revising_a_person_needs_the_current_version(api: Api) -> None:
    person = recorded(api)
    path = f"/api/v1/persons/{person['id']}"
    missing = api.client.patch(path, json={"credit": "full-name"}, headers=api.as_("partner"))
    assert missing.status_code == 428
    changed = api.client.patch(
        path,
        json={"credit": "full-name", "minor": False, "guardian_contact": None},
        headers=api.as_("partner", **{"If-Match": '"2"'}),
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["shown_as"] == NAME and body["minor"] is False and body["guardian_contact"] is None
    assert changed.headers["ETag"] == f'"{body["version"]}"'
    stale = api.client.patch(
        path, json={"credit": "initials"}, headers=api.as_("partner", **{"If-Match": '"2"'})
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == PROBLEM


def test_an_erased_person_reads_as_removed_to_everyone(api: Api) -> None:
    person = recorded(api)
    path = f"/api/v1/persons/{person['id']}"
    erased = api.client.post(f"{path}/erase", headers=api.as_("partner"))
    assert erased.status_code == 200, erased.text
    for who in ("partner", "editor", "admin", "other-partner"):
        seen = api.client.get(path, headers=api.as_(who))
        assert seen.json()["shown_as"] == REMOVED and seen.json()["erased"] is True
        assert NAME not in seen.text and GUARDIAN not in seen.text
    listed = api.client.get("/api/v1/persons", headers=api.as_("editor"))
    assert NAME not in listed.text and REMOVED in listed.text
    again = api.client.patch(
        path,
        json={"name": "New"},
        headers=api.as_("editor", **{"If-Match": erased.headers["ETag"]}),
    )
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert give(api, person["id"]).status_code == 409
    assert api.client.post(f"{path}/erase", headers=api.as_("editor")).status_code == 200


def test_consents_are_given_narrowed_withdrawn_and_listed(api: Api) -> None:
    person = recorded(api)
    given = give(api, person["id"], scope=["members", "adaptable"])
    assert given.status_code == 201, given.text
    consent = given.json()
    assert consent["scope"] == "adaptable" and consent["in_force"] == "adaptable"
    path = f"/api/v1/consents/{consent['id']}"
    narrowed = api.client.post(
        f"{path}/narrow", json={"scope": "public"}, headers=api.as_("editor")
    )
    assert narrowed.status_code == 200 and narrowed.json()["in_force"] == "public"
    wider = api.client.post(f"{path}/narrow", json={"scope": "shared"}, headers=api.as_("editor"))
    assert wider.status_code == 422
    before = api.client.post(
        f"{path}/withdraw", json={"at": "2001-01-01T00:00:00Z"}, headers=api.as_("partner")
    )
    assert before.status_code == 422 and before.json()["field"] == "at"
    withdrawn = api.client.post(f"{path}/withdraw", headers=api.as_("partner"))
    assert withdrawn.status_code == 200 and withdrawn.json()["in_force"] is None
    assert api.client.post(f"{path}/withdraw", headers=api.as_("partner")).status_code == 409
    listed = api.client.get(
        "/api/v1/consents", params={"person_id": person["id"]}, headers=api.as_("partner")
    )
    assert [c["id"] for c in listed.json()] == [consent["id"]]
    assert api.client.get("/api/v1/consents", headers=api.as_("other-partner")).json() == []
    assert api.client.get(path, headers=api.as_("other-partner")).status_code == 404
    assert api.client.get(path, headers=api.as_("member")).status_code == 403


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_by": "person"}, "given_by"),  # a minor's consent comes from the guardian
        ({"method": "signed-form", "evidence": {}}, "form_media_id"),
        ({"scope": "everyone"}, None),
        ({"given_at": "2024-01-01T10:00:00"}, None),  # no time zone
        ({"given_at": "2024-01-01T10:00:00Z", "expires_at": "2023-01-01T10:00:00Z"}, "expires_at"),
        ({"artifact_id": "00000000-0000-4000-8000-000000000000"}, "artifact_id"),
        ({"person": "00000000-0000-4000-8000-000000000000"}, "person_id"),
    ],
)
def test_bad_consents_are_422(api: Api, fields: dict[str, Any], field: str | None) -> None:
    fields = dict(fields)  # the parameters are shared by the SQLite and PostgreSQL runs
    person_id = fields.pop("person", None) or recorded(api)["id"]
    answer = give(api, person_id, **fields)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM
    if field:
        assert answer.json().get("field") == field


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "Bell\u0007"},
        {"credit": "nickname"},
        {"minor": True, "guardian_contact": None},
        {"minor_until": "soon"},
        {"surname": "extra"},
    ],
)
def test_bad_persons_are_422(api: Api, fields: dict[str, Any]) -> None:
    answer = record(api, **fields)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == PROBLEM


def test_unknown_persons_are_404(api: Api) -> None:
    path = "/api/v1/persons/00000000-0000-4000-8000-000000000000"
    assert api.client.get(path, headers=api.as_("editor")).status_code == 404
    assert (
        api.client.get("/api/v1/persons/not-a-uuid", headers=api.as_("editor")).status_code == 422
    )


def test_a_consent_for_one_artifact_needs_an_artifact_the_giver_may_see(
    api: Api, ready_story: dict[str, Any]
) -> None:
    draft = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **ready_story}, headers=api.as_("partner")
    )
    assert draft.status_code == 201, draft.text
    artifact_id = draft.json()["id"]
    person = recorded(api, "other-partner")
    unseen = give(api, person["id"], "other-partner", artifact_id=artifact_id)
    assert unseen.status_code == 422 and unseen.json()["field"] == "artifact_id"
    mine = recorded(api)
    given = give(api, mine["id"], artifact_id=artifact_id, scope="public")
    assert given.status_code == 201, given.text
    assert given.json()["artifact_id"] == artifact_id
    for_artifact = api.client.get(
        "/api/v1/consents", params={"artifact_id": artifact_id}, headers=api.as_("editor")
    )
    assert [c["id"] for c in for_artifact.json()] == [given.json()["id"]]


def raw_stores(settings: Settings) -> bytes:
    """Every byte the site keeps: the data directory's files, and the rows of its schema."""
    found = b"".join(p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file())
    if not settings.database_url:
        return found
    import psycopg

    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (settings.database_schema,),
        ).fetchall()
        for (table,) in tables:
            rows = conn.execute(f'SELECT t::text FROM {settings.database_schema}."{table}" t')
            found += "".join(row[0] for row in rows).encode()
    return found


def test_names_never_reach_a_store_in_clear_and_the_key_goes_with_erasure(
    api: Api, settings: Settings
) -> None:
    person = recorded(api)
    assert (
        api.client.get(f"/api/v1/persons/{person['id']}", headers=api.as_("editor")).json()["name"]
        == NAME
    )
    stored = raw_stores(settings)
    assert person["id"].encode() in stored  # the person's events are among the bytes read
    for secret in (NAME, GUARDIAN):
        assert secret.encode() not in stored and secret.encode().hex().encode() not in stored
    vault = api.archive.people.vault
    assert not vault.is_erased(UUID(person["id"]))
    erased = api.client.post(f"/api/v1/persons/{person['id']}/erase", headers=api.as_("partner"))
    assert erased.status_code == 200 and erased.json()["shown_as"] == REMOVED
    assert vault.is_erased(UUID(person["id"]))
    assert isinstance(vault, KeyedVault)  # the real vault of the wiring point, not the fake
    assert vault._key(UUID(person["id"])) is None  # the key is gone from the store
