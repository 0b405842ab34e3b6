"""Signing in, cookies, CSRF, and the line between cookie-authenticated pages and the API."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from tests.web.conftest import Demo, csrf_of


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
    session = cookies["cp_session"].lower()
    for flag in ("secure", "httponly", "samesite=strict", "path=/"):
        assert flag in session, session
    assert "secure" in cookies["cp_csrf"].lower() and "httponly" in cookies["cp_csrf"].lower()
    assert "My drafts" in client.get("/drafts").text


def test_sign_out_clears_the_cookies(demo: Demo) -> None:
    client = demo.client("partner")
    token = csrf_of(client.get("/drafts").text)
    answer = client.post("/signout", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303
    cookies = _set_cookies(answer)
    assert 'cp_session=""' in cookies["cp_session"] or "max-age=0" in cookies["cp_session"].lower()
    assert client.get("/drafts", follow_redirects=False).status_code == 303  # to /signin


def test_a_wrong_token_is_refused_kindly(demo: Demo) -> None:
    client = demo.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"token": "cp_nonsense", "csrf": token})
    assert answer.status_code == 401
    assert "not recognised" in answer.text
    assert "cp_session" not in _set_cookies(answer)


def test_no_open_redirect_after_sign_in(demo: Demo) -> None:
    client = demo.client()
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin",
        data={"token": demo.tokens["member"], "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_forms_without_the_csrf_token_are_refused(demo: Demo) -> None:
    client = demo.client("partner")
    for data in ({}, {"csrf": "forged-value-that-does-not-match-the-cookie-at-all"}):
        answer = client.post("/drafts/new", data={"kind": "story", "title": "Forged", **data})
        assert answer.status_code == 403, data
        assert answer.headers["content-type"].startswith("text/html")
    # Signing in is a form too (no login CSRF).
    assert demo.client().post("/signin", data={"token": demo.tokens["editor"]}).status_code == 403


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
