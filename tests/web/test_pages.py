"""What readers get from the pages: content, metadata, errors and security headers."""

from __future__ import annotations

import json
import re
from uuid import UUID

from domain.access import Principal, Role
from tests.web.conftest import Demo

EDITOR = Principal(id="web-test-editor", name="Editor", role=Role.EDITOR)

ISABEL = "When Isabel ran the conference"
WITHDRAWN = "A portfolio night in two languages"
MEMBERS_ONLY = "Inside a half-termly pupil progress meeting"
PAGES = (
    "/",
    "/search",
    "/search?q=belonging&principle=ground-learning-in-place",
    "/terms/principles",
    "/terms/conditions/agency",
    "/places",
    "/places/tucson",
    "/map",
    "/signin",
)


def test_every_page_has_a_strict_content_security_policy(demo: Demo) -> None:
    client = demo.client()
    artifact = f"/artifacts/{demo.id_of(ISABEL)}"
    for path in (*PAGES, artifact, f"{artifact}/history", "/no-such-page"):
        response = client.get(path)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        for directive in (
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
        ):
            assert directive in policy, (path, directive)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"], path
        assert "<script>" not in response.text and " style=" not in response.text, path


def test_pages_use_only_the_projects_own_assets(demo: Demo) -> None:
    html = demo.client().get("/search").text
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:css|js)[^"]*)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        asset = demo.client().get(source)
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]


def test_the_artifact_page_embeds_json_ld_and_open_graph(demo: Demo) -> None:
    artifact_id = demo.id_of(ISABEL)
    html = demo.client().get(f"/artifacts/{artifact_id}").text
    assert f'<meta property="og:title" content="{ISABEL}">' in html
    assert 'property="og:type" content="article"' in html
    assert f'property="og:url" content="https://testserver/artifacts/{artifact_id}"' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block, "no JSON-LD block"
    assert "</" not in block.group(1)
    document = json.loads(block.group(1))
    assert document["name"] == ISABEL
    assert "LearningResource" in document["@type"]
    # The page also offers the downloads and reads as a page, not as data.
    assert f"/api/v1/artifacts/{artifact_id}/package" in html
    assert f"/api/v1/artifacts/{artifact_id}/jsonld" in html
    assert 'href="/terms/principles/ground-learning-in-place"' in html
    assert 'href="/places/saguaro-wash-middle"' in html


def test_json_ld_cannot_close_its_script_element(demo: Demo) -> None:
    from services.api.web.templating import jsonld_script

    text = str(jsonld_script({"name": "</script><script>alert(1)</script> & <!--"}))
    assert "</" not in text and "<!--" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_unknown_and_missing_pages_are_friendly_404s(demo: Demo) -> None:
    client = demo.client()
    for path in (
        "/no-such-page",
        "/artifacts/00000000-0000-0000-0000-000000000000",
        "/artifacts/not-an-id",
        "/terms/principles/no-such-term",
        "/places/atlantis",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "Traceback" not in response.text and "<h1>" in response.text, path


def test_a_withdrawn_artifact_is_410_with_its_reason(demo: Demo) -> None:
    archive = demo.container.archive
    artifact_id = archive.reading.list_artifacts(EDITOR, status="withdrawn")["items"][0]["id"]
    response = demo.client().get(f"/artifacts/{artifact_id}")
    assert response.status_code == 410
    assert "withdrew" in response.text.lower() or "withdrawn" in response.text.lower()
    withdrawal = archive.artifacts.load(UUID(artifact_id)).withdrawal or {}
    assert withdrawal["reason"] in response.text


def test_the_api_keeps_its_problem_json(demo: Demo) -> None:
    client = demo.client()
    response = client.get("/api/v1/artifacts/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/nothing-here").headers["content-type"] == "application/problem+json"


def test_members_only_work_asks_anonymous_readers_to_sign_in(demo: Demo) -> None:
    artifact_id = demo.container.archive.reading.list_artifacts(
        EDITOR, kind="story", status="published", term="network-features:leaning-inwards"
    )["items"][0]["id"]
    anonymous = demo.client().get(f"/artifacts/{artifact_id}", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    member = demo.client("member").get(f"/artifacts/{artifact_id}")
    assert member.status_code == 200 and MEMBERS_ONLY in member.text
    assert "application/ld+json" not in member.text  # not public: no linked data


def test_search_page_works_from_the_url_alone(demo: Demo) -> None:
    html = (
        demo.client()
        .get("/search?principle=ground-learning-in-place&place=saguaro-wash-middle")
        .text
    )
    assert ISABEL in html
    assert "Seven schools, one conversation" not in html  # from Nottingham
    assert 'aria-current="true"' in html  # the chosen facet values are marked
    assert re.search(r'class="count">\d+<', html)
    near = demo.client().get("/search?near=32.22,-110.97&radius_km=25&sort=distance").text
    assert "km away" in near and "Seven schools, one conversation" not in near


def test_history_and_diff_pages_read_well(demo: Demo) -> None:
    archive = demo.container.archive
    revised = next(
        item
        for item in archive.reading.list_artifacts(EDITOR, status="published", limit=50)["items"]
        if item["published"]["number"] > 1 and item["visibility"] == "public"
    )
    history = demo.client().get(f"/artifacts/{revised['id']}/history")
    assert history.status_code == 200 and "Compare two editions" in history.text
    versions = [int(v) for v in re.findall(r'<option value="(\d+)"', history.text)]
    diff = demo.client().get(
        f"/artifacts/{revised['id']}/diff?from={versions[0]}&to={versions[-1]}"
    )
    assert diff.status_code == 200
    assert "What changed from the 1st edition" in diff.text
    assert "<ins" in diff.text or "<del" in diff.text
