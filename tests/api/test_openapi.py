"""The OpenAPI document tells every answer; OPTIONS and HEAD work on every route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
EVERY = {"400", "401", "403", "404", "410", "413", "422", "429", "503"}
WRITES = {"409", "412", "428"}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, ops in document["paths"].items()
        for method, operation in ops.items()
    ]


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    answer = api.client.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def test_every_operation_documents_its_problems(document: dict[str, Any]) -> None:
    assert "Problem" in document["components"]["schemas"]
    found = operations(document)
    assert len(found) > 40
    for method, path, operation in found:
        responses = operation["responses"]
        expected = EVERY | (WRITES if method in ("post", "put", "patch", "delete") else set())
        assert expected <= set(responses), (method, path, expected - set(responses))
        for status in expected:
            content = responses[status]["content"]
            if path == "/oai" and status == "503":
                assert "text/plain" in content  # harvesters get text when the store is down
                continue
            assert content == {"application/problem+json": {"schema": PROBLEM_REF}}, (
                method,
                path,
                status,
            )
        assert responses["429"]["headers"]["Retry-After"]
    search = document["paths"]["/api/v1/search"]["get"]["responses"]
    assert "504" in search


def test_success_content_types_are_the_ones_sent(api: Api, document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert list(paths["/feeds/atom"]["get"]["responses"]["200"]["content"]) == [
        "application/atom+xml"
    ]
    atom = api.client.get("/feeds/atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert "304" in paths["/feeds/atom"]["get"]["responses"]
    oai = api.client.get("/oai?verb=Identify")
    assert oai.headers["content-type"].startswith("text/xml")
    assert "text/xml" in paths["/oai"]["get"]["responses"]["200"]["content"]


def test_answers_given_are_the_ones_documented(api: Api, document: dict[str, Any]) -> None:
    """A real 401, 404, 428 and 422 each match their documented status and type."""
    cases = [
        ("get", "/api/v1/artifacts", "/api/v1/artifacts", {"Authorization": "Bearer cp_no"}, None),
        (
            "get",
            "/api/v1/artifacts/{artifact_id}",
            "/api/v1/artifacts/00000000-0000-0000-0000-000000000000",
            {},
            None,
        ),
        (
            "patch",
            "/api/v1/artifacts/{artifact_id}",
            "/api/v1/artifacts/00000000-0000-0000-0000-000000000000",
            api.as_("partner"),
            {"title": "x"},
        ),
        ("post", "/api/v1/artifacts", "/api/v1/artifacts", api.as_("partner"), {"kind": 5}),
    ]
    for method, template, url, headers, body in cases:
        answer = api.client.request(method, url, headers=headers, json=body)
        assert answer.status_code >= 400
        documented = document["paths"][template][method]["responses"][str(answer.status_code)]
        content_type = answer.headers["content-type"].split(";")[0]
        assert content_type in documented["content"], (method, url, answer.status_code)


def test_options_names_every_method(api: Api) -> None:
    answer = api.client.options("/api/v1/convenings")
    assert answer.status_code == 204
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= allowed
    answer = api.client.options("/api/v1/artifacts/00000000-0000-0000-0000-000000000000")
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert {"GET", "HEAD", "PATCH", "OPTIONS"} <= allowed and "POST" not in allowed
    assert api.client.options("/api/v1/nothing-here").status_code == 404


def test_a_405_names_every_method(api: Api) -> None:
    answer = api.client.delete("/api/v1/convenings")
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("application/problem+json")
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert {"GET", "HEAD", "POST", "OPTIONS"} <= allowed


def test_head_works_wherever_get_does(api: Api, document: dict[str, Any]) -> None:
    checked = 0
    for path, ops in document["paths"].items():
        if "get" not in ops or "{" in path:
            continue
        url = path + ("?verb=Identify" if path == "/oai" else "")
        got = api.client.get(url)
        head = api.client.head(url)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        checked += 1
    assert checked >= 10
    for page in ("/", "/search", "/signin"):
        assert api.client.head(page).status_code == 200, page
