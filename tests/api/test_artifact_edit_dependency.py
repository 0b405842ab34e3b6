"""The artifact edits' one dependency (principal, If-Match, answers) answers as the
three separate dependencies did: 401 before 428 or 400, then 412 for a stale version."""

from __future__ import annotations

from typing import Any

import pytest

from services.api.responses import PROBLEM
from tests.conftest import Api

EDITS = [  # method, path after the artifact's URL, who, JSON body
    ("PATCH", "", "partner", {"summary": "changed"}),
    ("POST", "/submit", "partner", None),
    ("POST", "/publish", "editor", {}),
]


@pytest.fixture
def url(api: Api, ready_story: dict[str, Any]) -> str:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **ready_story}, headers=api.as_("partner")
    )
    assert created.status_code == 201
    return f"/api/v1/artifacts/{created.json()['id']}"


def send(api: Api, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    return api.client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("method", "suffix", "who", "body"), EDITS)
def test_a_bad_token_is_refused_before_if_match_is_read(
    api: Api, url: str, method: str, suffix: str, who: str, body: Any
) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    answer = send(api, method, url + suffix, body, bad)
    assert answer.status_code == 401 and answer.headers["content-type"].startswith(PROBLEM)
    wrong_scheme = send(api, method, url + suffix, body, {"Authorization": "Basic abc"})
    assert wrong_scheme.status_code == 401


@pytest.mark.parametrize(("method", "suffix", "who", "body"), EDITS)
def test_if_match_missing_malformed_or_stale(
    api: Api, url: str, method: str, suffix: str, who: str, body: Any
) -> None:
    missing = send(api, method, url + suffix, body, api.as_(who))
    assert missing.status_code == 428 and missing.headers["content-type"].startswith(PROBLEM)
    for garbage in ("banana", '"v"', "W/"):
        malformed = send(api, method, url + suffix, body, api.as_(who, **{"If-Match": garbage}))
        assert malformed.status_code == 400, garbage
        assert malformed.headers["content-type"].startswith(PROBLEM)
    stale = send(api, method, url + suffix, body, api.as_(who, **{"If-Match": '"7"'}))
    assert stale.status_code == 412 and stale.json()["current_version"] == 1


@pytest.mark.parametrize(("method", "suffix", "who", "body"), EDITS)
def test_a_weak_etag_names_the_version_and_the_answer_is_the_draft(
    api: Api, url: str, method: str, suffix: str, who: str, body: Any
) -> None:
    answer = send(api, method, url + suffix, body, api.as_(who, **{"If-Match": 'W/"v1"'}))
    assert answer.status_code == 200, answer.text
    assert answer.headers["ETag"] == f'"{answer.json()["version"]}"'
    assert answer.headers["Location"].endswith(url)
    assert "body_html" in answer.json() and "position" in answer.json()


def test_a_member_may_not_publish_whatever_if_match_says(api: Api, url: str) -> None:
    answer = send(api, "POST", url + "/publish", {}, api.as_("member", **{"If-Match": '"1"'}))
    assert answer.status_code in (403, 404) and answer.headers["content-type"].startswith(PROBLEM)
