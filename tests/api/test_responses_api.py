"""Responses over HTTP: a member responds to a published artifact, an editor moderates,
the author withdraws; who sees what; and that no syndication surface shows a
response unless approved and chosen to syndicate (then only JSON-LD's ``comment``)."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from services.indexer.runner import Indexer
from tests.conftest import READY_STORY, Api

REFLECTION = "Reading this made us **rethink** our advisory period."
PRIVATE_WORDS = "Zanzibarquokka"  # a word found nowhere else, to look for on every surface


def index(container: Container) -> None:
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
        inbox=container.inbox,
    ).catch_up()


def published(api: Api, **changes: Any) -> str:
    made = api.client.post(
        "/api/v1/artifacts",
        json={"kind": "story", **READY_STORY, **changes},
        headers=api.as_("partner"),
    )
    assert made.status_code == 201, made.text
    artifact_id = str(made.json()["id"])
    done = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": made.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    return artifact_id


def respond(api: Api, artifact_id: str, who: str = "member", **body: Any) -> Any:
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/responses",
        json={"text": REFLECTION, **body},
        headers=api.as_(who),
    )


def texts(api: Api, artifact_id: str, who: str) -> list[str]:
    answer = api.client.get(f"/api/v1/artifacts/{artifact_id}/responses", headers=api.as_(who))
    assert answer.status_code == 200, answer.text
    return [item["text"] for item in answer.json()["items"]]


def approve(api: Api, response_id: str) -> Any:
    return api.client.post(f"/api/v1/responses/{response_id}/approve", headers=api.as_("editor"))


def test_submit_moderate_and_show(api: Api) -> None:
    artifact_id = published(api)
    sent = respond(api, artifact_id)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["status"] == "pending" and body["mine"] is True
    assert "<strong>rethink</strong>" in body["html"]
    assert sent.headers["Location"] == f"/api/v1/responses/{body['id']}"

    # Pending: its author and the editors see it; other readers do not.
    assert texts(api, artifact_id, "member") == [REFLECTION]
    assert texts(api, artifact_id, "editor") == [REFLECTION]
    assert texts(api, artifact_id, "partner") == []
    assert texts(api, artifact_id, "anonymous") == []
    queue = api.client.get("/api/v1/responses", headers=api.as_("editor")).json()["items"]
    assert [(r["id"], r["artifact_title"]) for r in queue] == [(body["id"], READY_STORY["title"])]

    approved = approve(api, body["id"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert texts(api, artifact_id, "anonymous") == [REFLECTION]
    assert texts(api, artifact_id, "partner") == [REFLECTION]
    assert api.client.get("/api/v1/responses", headers=api.as_("editor")).json()["items"] == []
    again = approve(api, body["id"])
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


def test_declined_with_a_reason_only_its_author_and_editors_see(api: Api) -> None:
    artifact_id = published(api)
    response_id = respond(api, artifact_id).json()["id"]
    url = f"/api/v1/responses/{response_id}/decline"
    empty = api.client.post(url, json={"reason": "  "}, headers=api.as_("editor"))
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("application/problem+json")
    declined = api.client.post(url, json={"reason": "Names a student."}, headers=api.as_("editor"))
    assert declined.status_code == 200, declined.text
    mine = api.client.get(f"/api/v1/responses/{response_id}", headers=api.as_("member")).json()
    assert (mine["status"], mine["reason"]) == ("declined", "Names a student.")
    for who in ("anonymous", "partner"):
        seen = api.client.get(f"/api/v1/responses/{response_id}", headers=api.as_(who))
        assert seen.status_code == 404
    assert texts(api, artifact_id, "anonymous") == []


def test_who_may_respond_and_moderate(api: Api) -> None:
    artifact_id = published(api)
    assert respond(api, artifact_id, "anonymous").status_code == 401
    draft = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **READY_STORY}, headers=api.as_("partner")
    ).json()["id"]
    assert respond(api, draft).status_code == 404  # a draft is not there for a member
    response_id = respond(api, artifact_id).json()["id"]
    refused = api.client.post(
        f"/api/v1/responses/{response_id}/approve", headers=api.as_("partner")
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    other = api.client.post(f"/api/v1/responses/{response_id}/withdraw", headers=api.as_("partner"))
    assert other.status_code == 404  # another member cannot see a pending response


def test_text_rules(api: Api) -> None:
    artifact_id = published(api)
    control = respond(api, artifact_id, text="bell \x07 rings")
    assert control.status_code == 422
    assert "U+0007" in control.json()["detail"]
    assert respond(api, artifact_id, text="x" * 5001).status_code == 422
    assert respond(api, artifact_id, text=" ").status_code == 422
    script = respond(api, artifact_id, text="<script>alert(1)</script> [a](javascript:x)")
    assert script.status_code == 201
    assert "<script" not in script.json()["html"]
    assert 'href="javascript' not in script.json()["html"]


def test_withdrawn_by_its_author_is_gone_everywhere(api: Api, container: Container) -> None:
    artifact_id = published(api)
    response_id = respond(api, artifact_id, syndicate=True).json()["id"]
    approve(api, response_id)
    index(container)
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()
    assert [c["text"] for c in jsonld.get("comment", [])] == [REFLECTION]
    # An approved response seen by another member: only its author may withdraw it.
    assert (
        api.client.post(
            f"/api/v1/responses/{response_id}/withdraw", headers=api.as_("partner")
        ).status_code
        == 403
    )
    gone = api.client.post(f"/api/v1/responses/{response_id}/withdraw", headers=api.as_("member"))
    assert gone.status_code == 204
    for who in ("anonymous", "member", "editor"):
        assert texts(api, artifact_id, who) == []
        assert (
            api.client.get(f"/api/v1/responses/{response_id}", headers=api.as_(who)).status_code
            == 404
        )
    assert "comment" not in api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()


def test_withdrawing_the_artifact_takes_its_responses(api: Api) -> None:
    artifact_id = published(api)
    approved_id = respond(api, artifact_id).json()["id"]
    approve(api, approved_id)
    pending_id = respond(api, artifact_id).json()["id"]
    current = api.client.get(f"/api/v1/artifacts/{artifact_id}", headers=api.as_("editor"))
    withdrawn = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "Consent withdrawn."},
        headers=api.as_("editor", **{"If-Match": current.headers["ETag"]}),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    listed = api.client.get(f"/api/v1/artifacts/{artifact_id}/responses")
    assert listed.status_code == 410
    for who in ("member", "editor"):
        for rid in (approved_id, pending_id):
            found = api.client.get(f"/api/v1/responses/{rid}", headers=api.as_(who))
            assert found.status_code == 404
    assert api.client.get("/api/v1/responses", headers=api.as_("editor")).json()["items"] == []
    assert approve(api, pending_id).status_code == 409


def test_no_syndication_surface_shows_a_response_not_chosen_to_travel(
    api: Api, container: Container
) -> None:
    artifact_id = published(api)
    quiet = respond(api, artifact_id, text=f"{PRIVATE_WORDS} approved, kept here").json()["id"]
    approve(api, quiet)
    respond(api, artifact_id, text=f"{PRIVATE_WORDS} pending", syndicate=True)
    index(container)
    surfaces = [
        f"/api/v1/artifacts/{artifact_id}/jsonld",
        "/feeds/atom",
        "/feeds/json",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        f"/api/v1/search?q={PRIVATE_WORDS}",
        "/api/v1/changes",
        f"/api/v1/artifacts/{artifact_id}",
    ]
    for url in surfaces:
        answer = api.client.get(url)
        assert answer.status_code == 200, (url, answer.text)
        assert PRIVATE_WORDS not in answer.text, url
    search = api.client.get(f"/api/v1/search?q={PRIVATE_WORDS}").json()
    assert search["hits"] == []
    package = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    assert package.status_code == 200
    assert PRIVATE_WORDS.encode() not in package.content


def test_moderation_notifications(api: Api, container: Container) -> None:
    artifact_id = published(api)
    first = respond(api, artifact_id).json()["id"]
    index(container)
    editors = api.client.get("/api/v1/inbox", headers=api.as_("editor")).json()["items"]
    pending = [item for item in editors if item["kind"] == "response_pending"]
    assert [item["artifact_id"] for item in pending] == [artifact_id]
    approve(api, first)
    second = respond(api, artifact_id).json()["id"]
    api.client.post(
        f"/api/v1/responses/{second}/decline",
        json={"reason": "Please leave out the names."},
        headers=api.as_("editor"),
    )
    index(container)
    mine = api.client.get("/api/v1/inbox", headers=api.as_("member")).json()["items"]
    kinds = {item["kind"]: item for item in mine}
    assert set(kinds) >= {"response_approved", "response_declined"}
    assert kinds["response_declined"]["detail"]["reason"] == "Please leave out the names."
    assert kinds["response_approved"]["detail"]["response_id"] == first
