"""Artifacts list their persons, and publishing checks their consent (SQLite and PostgreSQL).

The first steps of issue 11: a partner records a student (a minor) with a guardian
contact, the guardian's consent for members only, and a story listing the student.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

PROBLEM = "application/problem+json"
STUDENT = "Marisol Etxeberria Quiroga"
GUARDIAN = "guardian.etxeberria@example.org"


def recorded(api: Api, who: str = "partner", **fields: Any) -> str:
    body = {
        "name": STUDENT,
        "credit": "initials",
        "guardian_contact": GUARDIAN,
        "minor": True,
        **fields,
    }
    answer = api.client.post("/api/v1/persons", json=body, headers=api.as_(who))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def consent(api: Api, person_id: str, scope: str, who: str = "partner") -> None:
    body = {
        "person_id": person_id,
        "given_by": "guardian",
        "method": "verbal",
        "evidence": {"witness": "Ms. Lopez"},
        "scope": scope,
    }
    answer = api.client.post("/api/v1/consents", json=body, headers=api.as_(who))
    assert answer.status_code == 201, answer.text


def story(api: Api, content: dict[str, Any], who: str = "partner") -> Any:
    return api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_(who)
    )


def publish(api: Api, artifact_id: str, etag: str, **body: Any) -> Any:
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        json=body or None,
        headers=api.as_("editor", **{"If-Match": etag}),
    )


def test_publishing_needs_the_consent_of_every_listed_person(
    api: Api, ready_story: dict[str, Any]
) -> None:
    student = recorded(api)
    consent(api, student, "members")
    persons = [{"person_id": student, "role": "contributor"}]
    created = story(api, {**ready_story, "persons": persons})
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["persons"] == [{"person_id": student, "role": "contributor", "name": "M. E. Q."}]
    assert draft["syndication"] == "adaptable"
    assert STUDENT not in created.text

    refused = publish(api, draft["id"], created.headers["ETag"])
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    problem = refused.json()
    assert problem["title"] == "Not ready to publish"
    needed = "consent from M. E. Q. for adaptation by other sites (theirs is for members only)"
    assert needed in problem["missing"] and needed in problem["detail"]
    assert STUDENT not in refused.text
    # Members only is what the guardian allowed: that publishes.
    members = publish(api, draft["id"], created.headers["ETag"], visibility="members")
    assert members.status_code == 200, members.text
    assert api.client.get(f"/api/v1/artifacts/{draft['id']}").status_code == 401

    public = publish(api, draft["id"], members.headers["ETag"], visibility="public")
    assert public.status_code == 422
    assert needed in public.json()["missing"]
    consent(api, student, "adaptable")
    done = publish(api, draft["id"], members.headers["ETag"], visibility="public")
    assert done.status_code == 200, done.text

    reader = api.client.get(f"/api/v1/artifacts/{draft['id']}")
    assert reader.status_code == 200
    assert reader.json()["persons"] == [{"role": "contributor", "name": "M. E. Q."}]
    assert student not in reader.text and STUDENT not in reader.text
    member = api.client.get(f"/api/v1/artifacts/{draft['id']}", headers=api.as_("member"))
    assert member.json()["persons"] == [{"role": "contributor", "name": "M. E. Q."}]
    editor = api.client.get(f"/api/v1/artifacts/{draft['id']}", headers=api.as_("editor"))
    assert editor.json()["persons"][0]["person_id"] == student
    listing = api.client.get("/api/v1/artifacts").json()["items"]
    assert [item["persons"] for item in listing] == [[{"role": "contributor", "name": "M. E. Q."}]]


def test_a_narrower_syndication_needs_only_the_narrower_consent(
    api: Api, ready_story: dict[str, Any]
) -> None:
    adult = recorded(api, name="Teodora Vance", credit="first-name", minor=False)
    api.client.post(
        "/api/v1/consents",
        json={
            "person_id": adult,
            "given_by": "person",
            "method": "online",
            "scope": "public",
        },
        headers=api.as_("partner"),
    )
    content = {
        **ready_story,
        "persons": [{"person_id": adult, "role": "named"}],
        "syndication": "none",
    }
    created = story(api, content)
    assert created.json()["syndication"] == "none"
    assert created.json()["persons"][0]["name"] == "Teodora"
    done = publish(api, created.json()["id"], created.headers["ETag"])
    assert done.status_code == 200, done.text

    widened = api.client.patch(
        f"/api/v1/artifacts/{created.json()['id']}",
        json={"syndication": "shared"},
        headers=api.as_("partner", **{"If-Match": done.headers["ETag"]}),
    )
    assert widened.status_code == 200 and widened.json()["syndication"] == "shared"
    refused = publish(api, created.json()["id"], widened.headers["ETag"])
    assert refused.status_code == 422
    assert refused.json()["missing"] == [
        "consent from Teodora for sharing with other sites (theirs is for the public web)"
    ]


def test_only_recorded_persons_one_may_list_are_listed(
    api: Api, ready_story: dict[str, Any]
) -> None:
    theirs = recorded(api, "other-partner")
    mine = recorded(api)
    unknown = "0b6f1c3e-6a53-4d0e-9d2f-3f0c1a2b4c5d"
    for person_id, who, status in (
        (unknown, "partner", 422),
        (theirs, "partner", 403),
        (theirs, "editor", 201),
    ):
        answer = story(api, {"persons": [{"person_id": person_id, "role": "named"}]}, who)
        assert answer.status_code == status, answer.text
        if status != 201:
            assert answer.headers["content-type"] == PROBLEM
            assert answer.json()["field"] == "persons"
    bad_role = story(api, {"persons": [{"person_id": mine, "role": "hero"}]})
    assert bad_role.status_code == 422 and bad_role.headers["content-type"] == PROBLEM

    api.client.post(f"/api/v1/persons/{mine}/erase", headers=api.as_("partner"))
    erased = story(api, {"persons": [{"person_id": mine, "role": "named"}]})
    assert erased.status_code == 409 and erased.headers["content-type"] == PROBLEM
    assert STUDENT not in erased.text


def test_a_co_contributor_keeps_persons_listed_by_an_editor(
    api: Api, ready_story: dict[str, Any]
) -> None:
    theirs = recorded(api, "other-partner")
    created = story(api, {**ready_story, "persons": []})
    url = f"/api/v1/artifacts/{created.json()['id']}"
    listed = api.client.patch(
        url,
        json={"persons": [{"person_id": theirs, "role": "pictured"}]},
        headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
    )
    assert listed.status_code == 200, listed.text
    mine = recorded(api, name="Basilio Ruiz", minor=False, guardian_contact=None)
    persons = [{"person_id": theirs, "role": "pictured"}, {"person_id": mine, "role": "named"}]
    revised = api.client.patch(
        url,
        json={"persons": persons},
        headers=api.as_("partner", **{"If-Match": listed.headers["ETag"]}),
    )
    assert revised.status_code == 200, revised.text
    assert [p["name"] for p in revised.json()["persons"]] == ["M. E. Q.", "B. R."]


def test_a_listed_person_who_is_erased_is_shown_as_removed_and_blocks_publishing(
    api: Api, ready_story: dict[str, Any]
) -> None:
    student = recorded(api)
    consent(api, student, "adaptable")
    created = story(api, {**ready_story, "persons": [{"person_id": student, "role": "pictured"}]})
    assert created.status_code == 201, created.text
    erased = api.client.post(f"/api/v1/persons/{student}/erase", headers=api.as_("partner"))
    assert erased.status_code == 200, erased.text
    url = f"/api/v1/artifacts/{created.json()['id']}?view=draft"
    draft = api.client.get(url, headers=api.as_("partner"))
    assert draft.json()["persons"] == [
        {"person_id": student, "role": "pictured", "name": "a person who asked to be removed"}
    ]
    refused = publish(api, created.json()["id"], created.headers["ETag"])
    assert refused.status_code == 422
    assert refused.json()["missing"] == [
        "to take out a person who asked to be removed, or withdraw their part"
    ]
    # Taking them out of the list lets it publish.
    revised = api.client.patch(
        f"/api/v1/artifacts/{created.json()['id']}",
        json={"persons": []},
        headers=api.as_("partner", **{"If-Match": created.headers["ETag"]}),
    )
    assert revised.status_code == 200 and revised.json()["persons"] == []
    assert publish(api, created.json()["id"], revised.headers["ETag"]).status_code == 200


def test_readers_compare_versions_by_credited_names_only(
    api: Api, ready_story: dict[str, Any]
) -> None:
    adult = recorded(api, name="Teodora Vance", credit="initials", minor=False)
    api.client.post(
        "/api/v1/consents",
        json={"person_id": adult, "given_by": "person", "method": "online", "scope": "adaptable"},
        headers=api.as_("partner"),
    )
    created = story(api, ready_story)
    first = publish(api, created.json()["id"], created.headers["ETag"])
    url = f"/api/v1/artifacts/{created.json()['id']}"
    revised = api.client.patch(
        url,
        json={"persons": [{"person_id": adult, "role": "presenter"}]},
        headers=api.as_("partner", **{"If-Match": first.headers["ETag"]}),
    )
    second = publish(api, created.json()["id"], revised.headers["ETag"])
    assert second.status_code == 200, second.text
    since, to = first.json()["version"], second.json()["version"]
    diff = api.client.get(f"{url}/diff?from={since}&to={to}")
    assert diff.status_code == 200, diff.text
    change = next(f for f in diff.json()["fields"] if f["field"] == "persons")
    assert change == {
        "field": "persons",
        "from": [],
        "to": [{"role": "presenter", "name": "T. V."}],
    }
    assert adult not in diff.text
    own = api.client.get(f"{url}/diff?from={since}&to={to}&view=draft", headers=api.as_("partner"))
    assert adult in own.text
