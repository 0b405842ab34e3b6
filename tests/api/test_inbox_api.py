"""The inbox over HTTP: each principal sees and marks only their own notifications,
and chooses what they receive."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from services.indexer.runner import Indexer
from tests.conftest import READY_STORY, Api


def index(container: Container) -> None:
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
        inbox=container.inbox,
    ).catch_up()


def submit_and_publish(api: Api) -> str:
    made = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **READY_STORY}, headers=api.as_("partner")
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/artifacts/{made.json()['id']}"
    submitted = api.client.post(
        f"{url}/submit", headers=api.as_("partner", **{"If-Match": made.headers["ETag"]})
    )
    assert submitted.status_code == 200, submitted.text
    published = api.client.post(
        f"{url}/publish", headers=api.as_("editor", **{"If-Match": submitted.headers["ETag"]})
    )
    assert published.status_code == 200, published.text
    return str(made.json()["id"])


def inbox_of(api: Api, who: str, **params: Any) -> dict[str, Any]:
    answer = api.client.get("/api/v1/inbox", params=params, headers=api.as_(who))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_each_principal_sees_only_their_own_notifications(api: Api, container: Container) -> None:
    artifact = submit_and_publish(api)
    index(container)
    partner = inbox_of(api, "partner")
    assert partner["unread"] == 1
    assert [(i["kind"], i["artifact_id"]) for i in partner["items"]] == [("published", artifact)]
    editor = inbox_of(api, "editor")
    assert [i["kind"] for i in editor["items"]] == ["submitted"]
    assert {i["kind"] for i in inbox_of(api, "admin")["items"]} == {"submitted"}
    assert inbox_of(api, "other-partner") == {"unread": 0, "items": []}
    assert inbox_of(api, "member")["items"] == []
    anonymous = api.client.get("/api/v1/inbox")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")


def test_marking_read_touches_only_the_callers_items(api: Api, container: Container) -> None:
    submit_and_publish(api)
    index(container)
    partner_item = inbox_of(api, "partner")["items"][0]["id"]
    others = api.client.post(
        "/api/v1/inbox/read", json={"ids": [partner_item]}, headers=api.as_("other-partner")
    )
    assert others.json() == {"marked": 0, "unread": 0}
    assert inbox_of(api, "partner")["unread"] == 1
    mine = api.client.post(
        "/api/v1/inbox/read", json={"ids": [partner_item]}, headers=api.as_("partner")
    )
    assert mine.json() == {"marked": 1, "unread": 0}
    assert inbox_of(api, "partner", unread=True)["items"] == []
    assert inbox_of(api, "partner")["items"][0]["read"] is True
    everything = api.client.post(
        "/api/v1/inbox/read", json={"all": True}, headers=api.as_("editor")
    )
    assert everything.json() == {"marked": 1, "unread": 0}


def test_choices_are_kept_and_followed(api: Api, container: Container) -> None:
    chosen = api.client.patch(
        "/api/v1/inbox/preferences", json={"published": "off"}, headers=api.as_("partner")
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["preferences"]["published"] == "off"
    assert chosen.json()["preferences"]["withdrawn"] == "email"
    again = api.client.get("/api/v1/inbox/preferences", headers=api.as_("partner"))
    assert again.json()["preferences"]["published"] == "off"
    assert (
        api.client.get("/api/v1/inbox/preferences", headers=api.as_("other-partner")).json()[
            "preferences"
        ]["published"]
        == "email"
    )
    submit_and_publish(api)
    index(container)
    assert inbox_of(api, "partner")["items"] == []


def test_bad_choices_are_problems_not_errors(api: Api) -> None:
    for body in ({"published": "pigeon"}, {"nonsense": "inbox"}, ["published"]):
        answer = api.client.patch(
            "/api/v1/inbox/preferences", json=body, headers=api.as_("partner")
        )
        assert answer.status_code in (400, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
