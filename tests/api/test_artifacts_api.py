"""The artifact API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

PROBLEM = "application/problem+json"


def create(api: Api, content: dict[str, Any], who: str = "partner", **headers: str) -> Any:
    return api.client.post("/api/v1/artifacts", json=content, headers=api.as_(who, **headers))


def publish(api: Api, artifact_id: str, etag: str, **body: Any) -> Any:
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        json=body or None,
        headers=api.as_("editor", **{"If-Match": etag}),
    )


def published_story(api: Api, ready_story: dict[str, Any]) -> tuple[str, str]:
    response = create(api, {"kind": "story", **ready_story})
    done = publish(api, response.json()["id"], response.headers["ETag"])
    assert done.status_code == 200, done.text
    return response.json()["id"], done.headers["ETag"]


def test_a_story_from_draft_to_published(api: Api, ready_story: dict[str, Any]) -> None:
    created = create(api, {"kind": "story", "title": "Draft"})
    assert created.status_code == 201
    body = created.json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"].endswith(f"/api/v1/artifacts/{body['id']}")
    assert body["status"] == "draft" and body["position"] >= 1

    url = f"/api/v1/artifacts/{body['id']}"
    revised = api.client.patch(
        url, json=ready_story, headers=api.as_("partner", **{"If-Match": '"1"'})
    )
    assert revised.status_code == 200 and revised.headers["ETag"] == '"2"'
    assert "<h1>Morning circles</h1>" in revised.json()["body_html"]

    submitted = api.client.post(f"{url}/submit", headers=api.as_("partner", **{"If-Match": '"2"'}))
    assert submitted.json()["in_review"] is True
    queue = api.client.get("/api/v1/artifacts?review=true", headers=api.as_("editor")).json()
    assert [item["id"] for item in queue["items"]] == [body["id"]]

    done = publish(api, body["id"], submitted.headers["ETag"])
    assert done.status_code == 200 and done.json()["status"] == "published"
    reader = api.client.get(url)
    assert reader.status_code == 200 and reader.json()["title"] == ready_story["title"]
    assert reader.json()["view"] == "published"


def test_idempotency_key_never_creates_a_duplicate(api: Api) -> None:
    headers = {"Idempotency-Key": "retry-123"}
    first = create(api, {"kind": "story", "title": "Once"}, **headers)
    second = create(api, {"kind": "story", "title": "Once"}, **headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    mine = api.client.get("/api/v1/artifacts?mine=true", headers=api.as_("partner")).json()
    assert len(mine["items"]) == 1
    reused = create(api, {"kind": "story", "title": "Something else"}, **headers)
    assert reused.status_code == 409 and reused.headers["content-type"] == PROBLEM


def test_edits_need_if_match_and_stale_ones_get_412_with_the_current_version(
    api: Api, ready_story: dict[str, Any]
) -> None:
    artifact = create(api, {"kind": "story", **ready_story}).json()
    url = f"/api/v1/artifacts/{artifact['id']}"
    missing = api.client.patch(url, json={"title": "x"}, headers=api.as_("partner"))
    assert missing.status_code == 428 and missing.headers["content-type"] == PROBLEM
    ok = api.client.patch(
        url, json={"summary": "kept"}, headers=api.as_("partner", **{"If-Match": '"1"'})
    )
    assert ok.status_code == 200
    stale = api.client.patch(
        url, json={"summary": "lost?"}, headers=api.as_("partner", **{"If-Match": '"1"'})
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert stale.json()["current"]["summary"] == "kept"
    garbage = api.client.patch(
        url, json={"summary": "x"}, headers=api.as_("partner", **{"If-Match": "banana"})
    )
    assert garbage.status_code == 400
    draft = api.client.get(f"{url}?view=draft", headers=api.as_("partner")).json()
    assert draft["summary"] == "kept" and draft["version"] == 2


def test_publish_checklist_names_everything_missing(api: Api) -> None:
    artifact = create(api, {"kind": "excursion-synthesis", "title": "Half done"}).json()
    refused = publish(api, artifact["id"], '"1"')
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["missing"] == [
        "a body",
        "at least one principle of practice",
        "a place",
        "a licence",
        "its excursion",
    ]
    assert "a body" in refused.json()["detail"]


def test_bad_inputs_get_clear_problems(api: Api) -> None:
    cases = [
        ({"kind": "story", "terms": ["principles:nonsense"]}, 422, "principles:lead-with-learning"),
        ({"kind": "story", "place": "atlantis"}, 422, "Unknown place 'atlantis'"),
        ({"kind": "story", "licence": "WTFPL"}, 422, "Unknown licence"),
        ({"kind": "story", "title": ["not", "a", "string"]}, 422, "title"),
        ({"kind": "story", "visibility": "secret"}, 422, "visibility"),
        ({"kind": "story", "colour": "blue"}, 422, "colour"),
        ({"kind": "sonnet"}, 422, "Unknown kind"),
        ({"kind": "story", "contributors": [{"name": "A", "role": "hero"}]}, 422, "role"),
        ({"kind": "story", "date": "yesterday"}, 422, "calendar date"),
    ]
    for content, status, words in cases:
        response = create(api, content)
        assert response.status_code == status, (content, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert words in response.text, (content, response.text)
    assert (
        api.client.get("/api/v1/artifacts?mine=true", headers=api.as_("partner")).json()["items"]
        == []
    )


def test_malformed_json_and_oversized_bodies(api: Api) -> None:
    malformed = api.client.post(
        "/api/v1/artifacts",
        content=b'{"kind": "story", ',
        headers=api.as_("partner", **{"Content-Type": "application/json"}),
    )
    assert malformed.status_code == 400 and malformed.json()["title"] == "Malformed JSON"
    huge = create(api, {"kind": "story", "body": "x" * 2_000_000})
    assert huge.status_code == 413 and huge.headers["content-type"] == PROBLEM
    long_body = create(api, {"kind": "story", "body": "y" * 250_000})
    assert long_body.status_code == 413 and "at most 200000" in long_body.json()["detail"]


def test_unknown_ids_and_routes_are_404_problems(api: Api) -> None:
    for url in (
        "/api/v1/artifacts/00000000-0000-0000-0000-000000000000",
        "/api/v1/places/atlantis",
        "/api/v1/frameworks/astrology",
        "/api/v1/nowhere",
    ):
        response = api.client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == PROBLEM
    not_a_uuid = api.client.get("/api/v1/artifacts/not-a-uuid")
    assert not_a_uuid.status_code == 422


def test_refusals_are_clear_and_leak_no_drafts(api: Api, ready_story: dict[str, Any]) -> None:
    draft = create(api, {"kind": "story", **ready_story}).json()
    url = f"/api/v1/artifacts/{draft['id']}"
    unknown = "/api/v1/artifacts/00000000-0000-0000-0000-000000000001"
    for who in ("anonymous", "member", "other-partner"):
        seen = api.client.get(url, headers=api.as_(who))
        absent = api.client.get(unknown, headers=api.as_(who))
        assert seen.status_code == absent.status_code == 404
        assert seen.json()["detail"].replace(draft["id"], "ID") == absent.json()["detail"].replace(
            unknown.rsplit("/", 1)[1], "ID"
        ), "a draft looks exactly like nothing"
    anonymous_write = create(api, {"kind": "story"}, who="anonymous")
    assert (
        anonymous_write.status_code == 401
        and "Bearer" in anonymous_write.headers["WWW-Authenticate"]
    )
    member_write = create(api, {"kind": "story"}, who="member")
    assert member_write.status_code == 403
    partner_publish = api.client.post(
        f"{url}/publish", headers=api.as_("partner", **{"If-Match": '"1"'})
    )
    assert partner_publish.status_code == 403
    bad_token = api.client.get("/api/v1/artifacts", headers={"Authorization": "Bearer cp_nope"})
    assert bad_token.status_code == 401


def test_members_only_artifacts(api: Api, ready_story: dict[str, Any]) -> None:
    artifact_id, _ = published_story(api, {**ready_story, "visibility": "members"})
    url = f"/api/v1/artifacts/{artifact_id}"
    assert api.client.get(url).status_code == 401
    assert api.client.get(url, headers=api.as_("member")).json()["visibility"] == "members"
    listed = api.client.get("/api/v1/artifacts").json()["items"]
    assert artifact_id not in [item["id"] for item in listed]


def test_withdrawal_leaves_a_tombstone(api: Api, ready_story: dict[str, Any]) -> None:
    artifact_id, _ = published_story(api, ready_story)
    url = f"/api/v1/artifacts/{artifact_id}"
    no_reason = api.client.post(f"{url}/withdraw", json={}, headers=api.as_("editor"))
    assert no_reason.status_code == 422
    by_partner = api.client.post(
        f"{url}/withdraw", json={"reason": "x"}, headers=api.as_("partner")
    )
    assert by_partner.status_code == 403
    done = api.client.post(
        f"{url}/withdraw", json={"reason": "Consent withdrawn"}, headers=api.as_("editor")
    )
    assert done.status_code == 200
    gone = api.client.get(url)
    assert gone.status_code == 410 and gone.json()["reason"] == "Consent withdrawn"


def test_history_diff_and_reading_the_past(api: Api, ready_story: dict[str, Any]) -> None:
    artifact_id, etag = published_story(api, ready_story)
    url = f"/api/v1/artifacts/{artifact_id}"
    revised = api.client.patch(
        url,
        json={"title": "A new title", "note": "clearer"},
        headers=api.as_("partner", **{"If-Match": etag}),
    )
    publish(api, artifact_id, revised.headers["ETag"])
    history = api.client.get(f"{url}/history?view=draft", headers=api.as_("partner")).json()
    assert [h["type"] for h in history] == ["Created", "Published", "Revised", "Published"]
    assert history[2]["summary"] == "Revised title (clearer)"
    assert [h["type"] for h in api.client.get(f"{url}/history").json()] == [
        "Published",
        "Published",
    ]
    diff = api.client.get(f"{url}/diff?from=2&to=4").json()
    assert diff["fields"] == [{"field": "title", "from": ready_story["title"], "to": "A new title"}]
    assert api.client.get(f"{url}?version=2").json()["title"] == ready_story["title"]
    assert api.client.get(f"{url}?as_of=2000-01-01T00:00:00Z").status_code == 404
    assert api.client.get(f"{url}?as_of=not-a-date").status_code == 422
    draft_diff = api.client.get(f"{url}/diff?from=1&to=3&view=draft")
    assert draft_diff.status_code == 403, "readers may not compare drafts"


def test_list_filters_and_paging(api: Api, ready_story: dict[str, Any]) -> None:
    ids = [published_story(api, {**ready_story, "title": f"Story {n}"})[0] for n in range(5)]
    first = api.client.get("/api/v1/artifacts?limit=2").json()
    second = api.client.get(f"/api/v1/artifacts?limit=2&after={first['next']}").json()
    third = api.client.get(f"/api/v1/artifacts?limit=2&after={second['next']}").json()
    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == ids and third["next"] is None
    assert api.client.get("/api/v1/artifacts?kind=presentation-of-learning").json()["items"] == []
    assert len(api.client.get("/api/v1/artifacts?place=desert-view").json()["items"]) == 5
    assert api.client.get("/api/v1/artifacts?limit=1000").status_code == 422
