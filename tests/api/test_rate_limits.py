"""Per-client rate limits: sign-in and token guessing, writes, search, and fetching endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from services.api.ratelimit import TokenBuckets
from tests.conftest import Api
from tests.web.conftest import csrf_of


class Site:
    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def other_client(self, ip: str) -> TestClient:
        return TestClient(self.client.app, base_url="https://testserver", client=(ip, 1234))


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    limits: dict[str, int] = getattr(request, "param", {})
    settings = Settings(
        data_dir=tmp_path / "data",
        load_demo=False,
        base_url="https://testserver",
        rate_limits={**Settings().rate_limits, **limits},
    )
    with build(settings) as container:
        seed_frameworks(container.archive)
        tokens = {
            "partner": container.archive.tokens.issue("partner", "First")[0],
            "other-partner": container.archive.tokens.issue("partner", "Second")[0],
        }
        app = create_app(container=container)
        client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        yield Site(client, tokens)


def assert_429(answer: Any) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.json()["status"] == 429


def test_token_guessing_is_stopped(api: Api) -> None:
    """With the default limits, the 11th wrong token from one client answers 429."""
    statuses = []
    for guess in range(40):
        headers = {"Authorization": f"Bearer cp_guess{guess}"}
        statuses.append(api.client.get("/api/v1/artifacts", headers=headers).status_code)
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    answer = api.client.get("/api/v1/artifacts", headers={"Authorization": "Bearer cp_x"})
    assert_429(answer)
    # Even a real token from that client waits: the guesser cannot tell a hit.
    assert api.client.get("/api/v1/artifacts", headers=api.as_("partner")).status_code == 429
    # Reading without a token is not a guess.
    assert api.client.get("/api/v1/artifacts").status_code == 200


@pytest.mark.parametrize("site", [{"signin": 3}], indirect=True)
def test_sign_in_guesses_are_stopped_with_a_page(site: Site) -> None:
    client = site.client
    for _ in range(3):
        csrf = csrf_of(client.get("/signin").text)
        assert client.post("/signin", data={"token": "cp_no", "csrf": csrf}).status_code == 401
    csrf = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"token": site.tokens["partner"], "csrf": csrf})
    assert answer.status_code == 429
    assert answer.headers["content-type"].startswith("text/html")
    assert int(answer.headers["retry-after"]) >= 1
    # Another client is not held back by this one's guesses.
    other = site.other_client("203.0.113.9")
    csrf = csrf_of(other.get("/signin").text)
    data = {"token": site.tokens["partner"], "csrf": csrf}
    assert other.post("/signin", data=data, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("site", [{"write": 3}], indirect=True)
def test_writes_are_limited_per_token(site: Site) -> None:
    draft = {"kind": "story", "title": "Limited"}
    for _ in range(3):
        answer = site.client.post("/api/v1/artifacts", json=draft, headers=site.as_("partner"))
        assert answer.status_code == 201
    assert_429(site.client.post("/api/v1/artifacts", json=draft, headers=site.as_("partner")))
    # The same client with another token has its own allowance.
    other = site.as_("other-partner")
    assert site.client.post("/api/v1/artifacts", json=draft, headers=other).status_code == 201


@pytest.mark.parametrize("site", [{"search": 5}], indirect=True)
def test_searches_are_limited_per_client(site: Site) -> None:
    for _ in range(5):
        assert site.client.get("/api/v1/search?q=circles").status_code == 200
    assert_429(site.client.get("/api/v1/search?q=circles"))
    assert site.client.get("/search?q=circles").status_code == 429  # the page shares the limit
    assert site.other_client("198.51.100.7").get("/api/v1/search").status_code == 200
    assert site.client.get("/api/v1/artifacts").status_code == 200  # reading goes on


@pytest.mark.parametrize("site", [{"fetch": 2}], indirect=True)
def test_endpoints_that_fetch_other_sites_are_limited(site: Site) -> None:
    """Anonymous adaptation notices make this site fetch another: two, then 429."""
    path = "/api/v1/artifacts/00000000-0000-0000-0000-000000000000/adaptation-notices"
    notice = {"url": "http://127.0.0.1:9/a/1"}
    for _ in range(2):
        assert site.client.post(path, json=notice).status_code != 429
    assert_429(site.client.post(path, json=notice))
    adaptation = {"source": {"url": "http://127.0.0.1:9/a/1"}, "place": "england"}
    headers = site.as_("partner")
    for _ in range(2):
        answer = site.client.post("/api/v1/adaptations", json=adaptation, headers=headers)
        assert answer.status_code != 429
    assert_429(site.client.post("/api/v1/adaptations", json=adaptation, headers=headers))


def test_limits_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, rate_limits_enabled=False)
    with build(settings) as container:
        client = TestClient(create_app(container=container))
        statuses = {
            client.get("/api/v1/artifacts", headers={"Authorization": f"Bearer x{i}"}).status_code
            for i in range(30)
        }
        assert statuses == {401}


def test_buckets_refill_and_say_how_long_to_wait() -> None:
    now = [0.0]
    buckets = TokenBuckets({"search": 60}, clock=lambda: now[0])  # one a second
    assert all(buckets.take("search", "a") == 0 for _ in range(60))
    assert buckets.take("search", "a") == pytest.approx(1.0)
    assert buckets.take("search", "b") == 0  # another client
    now[0] += 0.5
    assert buckets.wait("search", "a") == pytest.approx(0.5)
    now[0] += 0.5
    assert buckets.take("search", "a") == 0
    now[0] += 3600
    assert buckets.wait("search", "a") == 0


def test_forgotten_clients_do_not_grow_memory() -> None:
    now = [0.0]
    buckets = TokenBuckets({"search": 60}, clock=lambda: now[0], max_clients=100)
    for i in range(1000):
        buckets.take("search", f"client-{i}")
        now[0] += 120  # each has refilled before the next arrives
    assert len(buckets._buckets) <= 100
