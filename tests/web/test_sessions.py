"""Signing in, cookies, CSRF, and the line between cookie-authenticated pages and the API."""

from __future__ import annotations

from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import Container, build
from infra.sessions import SqlSessionStore
from infra.settings import Settings
from services.api.app import create_app
from tests.web.conftest import Demo, csrf_of

SESSION = "__Host-cp_session"
FORM_KEY = "__Host-cp_csrf"


def _set_cookies(response: Any) -> dict[str, str]:
    """Each Set-Cookie header, by the name of the cookie it sets."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = header
    return found


def test_sign_in_sets_a_secure_httponly_strict_cookie(demo: Demo) -> None:
    client = demo.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin",
        data={"token": demo.tokens["partner"], "csrf": token, "next": "/drafts"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/drafts"
    cookies = _set_cookies(answer)
    session = cookies[SESSION].lower()
    for flag in ("secure", "httponly", "samesite=strict", "path=/"):
        assert flag in session, session
    assert "domain=" not in session  # __Host- cookies name no domain
    assert demo.tokens["partner"].lower() not in session  # a session id, not the API token
    assert "My drafts" in client.get("/drafts").text


def test_the_form_key_cookie_is_secure_and_httponly(demo: Demo) -> None:
    answer = demo.client().get("/signin")
    form_key = _set_cookies(answer)[FORM_KEY].lower()
    for flag in ("secure", "httponly", "samesite=strict", "path=/"):
        assert flag in form_key, form_key


def test_sign_out_clears_the_cookies(demo: Demo) -> None:
    client = demo.client("partner")
    token = csrf_of(client.get("/drafts").text)
    answer = client.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303
    cookies = _set_cookies(answer)
    assert f'{SESSION}=""' in cookies[SESSION] or "max-age=0" in cookies[SESSION].lower()
    assert client.get("/drafts", follow_redirects=False).status_code == 303  # to /signin


def test_sign_out_ends_the_session_on_the_server(demo: Demo) -> None:
    client = demo.client("partner")
    copied = client.cookies.get(SESSION)
    assert copied
    token = csrf_of(client.get("/drafts").text)
    assert client.post("/signout", data={"csrf": token}, follow_redirects=False).status_code == 303
    thief = demo.client()
    thief.cookies.set(SESSION, copied)  # a copy of the cookie taken before signing out
    assert thief.get("/drafts", follow_redirects=False).status_code == 303  # to /signin


def test_a_revoked_token_ends_its_sessions(demo: Demo) -> None:
    token, token_id = demo.container.archive.tokens.issue("partner", "Soon revoked")
    client = demo.client()
    csrf = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"token": token, "csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/drafts").status_code == 200
    demo.container.archive.tokens.revoke(UUID(token_id))
    demo.app.state.web_sessions._cache.clear()  # what the 2 s cache would do by itself
    assert client.get("/drafts", follow_redirects=False).status_code == 303


def test_a_made_up_session_id_is_nobody(demo: Demo) -> None:
    client = demo.client()
    for name in (SESSION, "cp_session"):  # the old cookie held the raw API token
        client.cookies.set(name, demo.tokens["editor"])
    assert client.get("/review", follow_redirects=False).status_code == 303  # to /signin


def test_a_wrong_token_is_refused_kindly(demo: Demo) -> None:
    client = demo.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"token": "cp_nonsense", "csrf": token})
    assert answer.status_code == 401
    assert "not recognised" in answer.text
    assert SESSION not in _set_cookies(answer)


def test_no_open_redirect_after_sign_in(demo: Demo) -> None:
    client = demo.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin",
        data={"token": demo.tokens["member"], "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("editor", "/review", "<h1>Review queue</h1>"),
        ("partner", "/drafts", "<h1>My drafts</h1>"),
        ("member", "/", "Stories of learning, kept and shared</h1>"),
    ],
)
def test_signing_in_lands_on_the_page_for_the_role(
    demo: Demo, role: str, landing: str, heading: str
) -> None:
    """An editor's work is the review queue, not an empty "My drafts"."""
    client = demo.client()
    csrf = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin", data={"token": demo.tokens[role], "csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == landing
    page = client.get(landing)
    assert page.status_code == 200 and heading in page.text


def test_forms_without_the_csrf_token_are_refused(demo: Demo) -> None:
    client = demo.client("partner")
    for data in ({}, {"csrf": "forged-value-that-does-not-match-the-cookie-at-all"}):
        answer = client.post("/drafts/new", data={"kind": "story", "title": "Forged", **data})
        assert answer.status_code == 403, data
        assert answer.headers["content-type"].startswith("text/html")
    # Signing in is a form too (no login CSRF).
    assert demo.client().post("/signin", data={"token": demo.tokens["editor"]}).status_code == 403


def test_a_matching_cookie_and_field_made_up_elsewhere_are_refused(demo: Demo) -> None:
    """Double submit alone let any equal pair pass; the token is now bound to the session."""
    signed = demo.client("partner")
    client = demo.client()
    for cookie in signed.cookies.jar:
        if "csrf" not in cookie.name:  # the session alone, with a form cookie planted beside it
            client.cookies.set(cookie.name, cookie.value or "")
    planted = "x" * 43
    client.cookies.set(FORM_KEY, planted)
    client.cookies.set("cp_csrf", planted)
    answer = client.post("/drafts/new", data={"kind": "story", "title": "Planted", "csrf": planted})
    assert answer.status_code == 403
    assert "My drafts" in client.get("/drafts").text  # the session itself was good


def test_a_token_from_another_session_is_refused(demo: Demo) -> None:
    victim = demo.client("partner")
    attacker = demo.client("other-partner")
    stolen = csrf_of(attacker.get("/drafts/new").text)  # valid, but for the attacker's session
    answer = victim.post(
        "/drafts/new", data={"kind": "story", "title": "Not mine", "csrf": stolen}
    )
    assert answer.status_code == 403
    own = csrf_of(victim.get("/drafts/new").text)
    assert own != stolen


def test_signing_in_again_changes_the_token(demo: Demo) -> None:
    client = demo.client("partner")
    before = csrf_of(client.get("/drafts/new").text)
    csrf = csrf_of(client.get("/signin").text)
    client.post("/signin", data={"token": demo.tokens["partner"], "csrf": csrf})
    after = csrf_of(client.get("/drafts/new").text)
    assert before != after
    answer = client.post("/drafts/new", data={"kind": "story", "title": "Old", "csrf": before})
    assert answer.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver"},  # same host, other scheme: another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_state_changing_requests_from_elsewhere_are_refused(
    demo: Demo, headers: dict[str, str]
) -> None:
    client = demo.client("partner")
    token = csrf_of(client.get("/drafts/new").text)
    data = {"kind": "story", "title": "From elsewhere", "csrf": token}
    answer = client.post("/drafts/new", data=data, headers=headers, follow_redirects=False)
    assert answer.status_code == 403, headers
    signin = demo.client()
    csrf = csrf_of(signin.get("/signin").text)
    data = {"token": demo.tokens["editor"], "csrf": csrf}
    assert signin.post("/signin", data=data, headers=headers).status_code == 403


def test_same_origin_posts_pass(demo: Demo) -> None:
    client = demo.client("partner")
    for headers in (
        {"Origin": "https://testserver"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "https://testserver/drafts/new"},
    ):
        token = csrf_of(client.get("/drafts/new").text)
        data = {"kind": "story", "title": "From here", "csrf": token}
        answer = client.post("/drafts/new", data=data, headers=headers, follow_redirects=False)
        assert answer.status_code == 303, (headers, answer.text[:300])


def test_a_cross_site_post_is_refused_even_with_the_token(demo: Demo) -> None:
    client = demo.client("partner")
    token = csrf_of(client.get("/drafts/new").text)
    answer = client.post(
        "/drafts/new",
        data={"kind": "story", "title": "From elsewhere", "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403


def test_the_api_does_not_accept_the_cookie(demo: Demo) -> None:
    client = demo.client("editor")
    queue = client.get("/api/v1/artifacts?review=true")
    assert queue.status_code == 200 and queue.json()["items"] == []  # anonymous sees no queue
    created = client.post("/api/v1/artifacts", json={"kind": "story", "title": "Cookie only"})
    assert created.status_code == 401  # cookies are not credentials for the API
    assert client.get("/review").status_code == 200  # while the page accepts them


def test_editor_pages_need_an_editor(demo: Demo) -> None:
    assert demo.client("partner").get("/review").status_code == 403
    assert demo.client().get("/review", follow_redirects=False).status_code == 303
    assert demo.client("member").get("/drafts").status_code == 403


# -- the session store, on SQLite and PostgreSQL ------------------------------------


def test_sessions_are_kept_server_side(container: Container) -> None:
    store = SqlSessionStore(container.publications.datastore)
    token_id = uuid4()
    session = store.create(token_id, 60)
    assert store.get(session.id) == session
    assert store.get(session.id + "x") is None
    again = SqlSessionStore(container.publications.datastore)  # another API host
    assert again.get(session.id) == session
    assert again.secret() == store.secret() and len(store.secret()) >= 32
    store.delete(session.id)
    assert again.get(session.id) is None
    expired = store.create(token_id, -1)
    assert store.get(expired.id) is None


def test_an_http_site_names_its_cookies_without_the_prefix(tmp_path: Path) -> None:
    """Browsers refuse __Host- cookies over http, so a loopback http site drops the prefix."""
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, base_url="http://127.0.0.1:8000")
    with build(settings) as container:
        token, _ = container.archive.tokens.issue("partner", "Local")
        client = TestClient(create_app(container=container), base_url="https://testserver")
        csrf = csrf_of(client.get("/signin").text)
        answer = client.post("/signin", data={"token": token, "csrf": csrf}, follow_redirects=False)
        assert answer.status_code == 303
        assert "cp_session" in _set_cookies(answer)
        assert "secure" in _set_cookies(answer)["cp_session"].lower()
