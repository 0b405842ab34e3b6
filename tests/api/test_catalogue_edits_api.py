"""PATCH on convenings, excursions and places: If-Match, problem+json errors, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

PROBLEM = "application/problem+json"


def patch(api: Api, path: str, body: dict[str, Any], who: str = "editor", etag: str = '"1"') -> Any:
    headers = api.as_(who, **({"If-Match": etag} if etag else {}))
    return api.client.patch(path, json=body, headers=headers)


def test_an_editor_changes_a_convening(api: Api) -> None:
    read = api.client.get("/api/v1/convenings/tucson-2023")
    changed = patch(
        api,
        "/api/v1/convenings/tucson-2023",
        {"title": "Tucson 2023", "ends": "2023-02-18"},
        etag=read.headers.get("ETag") or '"1"',
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Tucson 2023" and body["ends"] == "2023-02-18"
    assert body["version"] == 2 and body["position"] is not None
    assert changed.headers["ETag"] == '"2"'
    assert api.client.get("/api/v1/convenings/tucson-2023").json()["title"] == "Tucson 2023"


def test_an_editor_changes_an_excursion(api: Api) -> None:
    changed = patch(
        api,
        "/api/v1/excursions/desert-view-voice",
        {"date": None, "leaders": [{"name": "B. Diaz", "role": "lead-learner"}]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["date"] is None
    assert changed.json()["leaders"] == [{"name": "B. Diaz", "role": "lead-learner"}]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/v1/convenings/tucson-2023", {"ends": "2023-01-01"}, 422),
        ("/api/v1/convenings/tucson-2023", {"starts": "Valentine's"}, 422),
        ("/api/v1/convenings/tucson-2023", {"place": "atlantis"}, 422),
        ("/api/v1/convenings/tucson-2023", {"title": None}, 422),
        ("/api/v1/convenings/tucson-2023", {"slug": "renamed"}, 422),
        ("/api/v1/convenings/no-such", {"title": "X"}, 404),
        ("/api/v1/excursions/desert-view-voice", {"convening": "nowhere"}, 422),
        ("/api/v1/excursions/desert-view-voice", {"host_place": "atlantis"}, 422),
        ("/api/v1/excursions/desert-view-voice", {"leaders": [{"name": "X", "role": "boss"}]}, 422),
        ("/api/v1/excursions/no-such", {"title": "X"}, 404),
    ],
)
def test_bad_edits_are_problems(api: Api, path: str, body: dict[str, Any], status: int) -> None:
    answer = patch(api, path, body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    "path", ["/api/v1/convenings/tucson-2023", "/api/v1/excursions/desert-view-voice"]
)
def test_roles_and_preconditions(api: Api, path: str) -> None:
    assert patch(api, path, {"title": "X"}, who="anonymous").status_code == 401
    assert patch(api, path, {"title": "X"}, who="partner").status_code == 403
    missing = patch(api, path, {"title": "X"}, etag="")
    assert missing.status_code == 428 and missing.headers["content-type"].startswith(PROBLEM)
    assert patch(api, path, {"title": "X"}, etag='"7"').status_code == 412
    assert patch(api, path, {"title": "First"}).status_code == 200
    stale = patch(api, path, {"title": "Second"})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith(PROBLEM)
    assert api.client.get(path).json()["title"] == "First"


def test_a_stale_place_edit_is_refused(api: Api) -> None:
    assert patch(api, "/api/v1/places/tucson", {"name": "Tucson, AZ"}).status_code == 200
    stale = patch(api, "/api/v1/places/tucson", {"name": "Old Pueblo"})
    assert stale.status_code == 412
    assert api.client.get("/api/v1/places/tucson").json()["name"] == "Tucson, AZ"


def test_the_edits_are_in_the_openapi_document(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/convenings/{slug}", "/api/v1/excursions/{slug}"):
        operation = paths[path]["patch"]
        assert {"404", "412", "422", "428"} <= set(operation["responses"])
        assert "If-Match" in operation["description"]
        assert "requestBody" in operation
