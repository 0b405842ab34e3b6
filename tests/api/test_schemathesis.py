"""Generated requests over the whole OpenAPI document, as each role.

Schemathesis makes requests from the document, valid and invalid, for every
operation, as an anonymous reader, a member, a partner and an editor. A 5xx,
or a status or content type the document does not declare, fails the test; the
failures are listed together, one per operation and check, with the request.

Schemathesis's own pytest plugin does not run under pytest 9, so the cases are
drawn from its Hypothesis strategies here. Examples per operation are bounded
(``COMMONPLACE_FUZZ_EXAMPLES``, default 3 valid and 3 invalid) and derandomised,
so the four runs stay within about a minute and fail the same way every time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance
from starlette.responses import Response

from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from tests.conftest import seed_places

ROLES = ("anonymous", "member", "partner", "editor")
EXAMPLES = int(os.environ.get("COMMONPLACE_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
# Failures found in code other work is fixing: (operation, failure class) -> the defect.
# Each gets a strict xfail test, which starts failing (XPASS) once it is fixed. None now.
KNOWN: dict[tuple[str, str], str] = {}


class KeepOpen:
    """The app without its lifespan: schemathesis starts and stops a test client for each
    request, and the app's shutdown would close the container the next request needs."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            await send({"type": f"{message['type']}.complete"})
            if message["type"] == "lifespan.shutdown":
                return


class FuzzSite:
    def __init__(self, app: Any, headers: dict[str, dict[str, str]]) -> None:
        self.app = KeepOpen(app)
        self.headers = headers
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", self.app)


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzSite]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    many = dict.fromkeys(Settings().rate_limits, 1_000_000)  # 429s are tested elsewhere
    settings_ = Settings(
        data_dir=folder / "data",
        load_demo=False,
        rate_limits=many,
        search_wait_seconds=0.1,  # a 504 after 0.1 s, not 5
    )
    with build(settings_) as built:
        seed_frameworks(built.archive)
        seed_places(built.archive)
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role in ROLES[1:]:
            token, _ = built.archive.tokens.issue(role, f"Fuzz {role}")
            headers[role] = {"Authorization": f"Bearer {token}"}
        yield FuzzSite(create_app(container=built), headers)


def negatable(operation: Any) -> bool:
    """Whether invalid input can be made for it: a body, or a parameter with some constraint.
    (For a lone unconstrained string, Hypothesis searches for seconds before giving up.)"""
    raw = operation.definition.raw
    if raw.get("requestBody"):
        return True
    for parameter in raw.get("parameters", []):
        schema = parameter.get("schema") or {}
        if schema.get("type") != "string" or set(schema) - {"type", "title", "description"}:
            return True
    return False


def failures_of(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
    """Runs the bounded examples of one operation; the distinct failures found."""
    found: dict[str, str] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Failure, FailureGroup) as failure:
            text = failure.message if isinstance(failure, FailureGroup) else str(failure)
            for single in failure.exceptions if isinstance(failure, FailureGroup) else [failure]:
                title = type(single).__name__
                if (operation.label, title) not in KNOWN:
                    found.setdefault(title, f"{operation.label} ({mode.value}): {text[:1500]}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
        assert mode is GenerationMode.NEGATIVE
    return list(found.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_is_documented_and_no_5xx(fuzz_site: FuzzSite, role: str) -> None:
    failures: list[str] = []
    operations = 0
    for result in fuzz_site.schema.get_all_operations():
        assert isinstance(result, Ok), f"an operation schemathesis cannot read: {result.err()}"
        operation = result.ok()
        operations += 1
        modes = [GenerationMode.POSITIVE]
        if negatable(operation):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            failures += failures_of(operation, mode, fuzz_site.headers[role])
    assert operations > 40
    assert not failures, f"{len(failures)} failures as {role}:\n\n" + "\n\n".join(failures)


def test_search_after_a_position_beyond_the_log_is_a_client_error(fuzz_site: FuzzSite) -> None:
    """A position the log never reached is a mistake to report at once, not to wait for."""
    client = TestClient(fuzz_site.app, raise_server_exceptions=False)
    answer = client.get("/api/v1/search?after=113726742461907907498737664")
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["field"] == "after"


def test_the_checks_catch_an_undocumented_answer() -> None:
    """A stand-in app whose document promises 200 while it answers 418 and 500 must fail."""
    stand_in = FastAPI()

    @stand_in.get("/teapot/{n}")
    async def teapot(n: int) -> Response:
        return Response("short and stout", status_code=418 if n % 2 else 500)

    schema = schemathesis.openapi.from_asgi("/openapi.json", stand_in)
    result = next(iter(schema.get_all_operations()))
    assert isinstance(result, Ok)
    operation = result.ok()
    found = failures_of(operation, GenerationMode.POSITIVE, {})
    assert found and any("500" in text or "418" in text for text in found)
