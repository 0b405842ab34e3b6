"""What a newcomer meets in the first hour: the site's name, the icon, a readable history,
licences explained, fictional demo schools labelled, and every facet reachable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.access import Principal, Role
from domain.values import LICENCES
from infra.bootstrap import build
from infra.settings import Settings
from services.api.app import create_app
from services.api.web.forms import LICENCE_HELP
from services.api.web.static import STATIC
from tests.conftest import READY_STORY
from tests.web.conftest import Demo

EDITOR = Principal(id="first-hour-editor", name="Editor", role=Role.EDITOR)
PARTNER = Principal(id="first-hour-partner", name="Partner", role=Role.PARTNER)
STORY = {**READY_STORY, "place": "tucson"}


@pytest.fixture(scope="module")
def named_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A second site, empty, with a name of its own."""
    folder: Path = tmp_path_factory.mktemp("named")
    settings = Settings(
        data_dir=folder, load_demo=False, base_url="https://testserver",
        site_name="Valley Learning Archive",
    )
    container = build(settings)
    yield TestClient(create_app(container=container), base_url="https://testserver")
    container.close()


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found.group(1)


def brand_of(html: str) -> str:
    found = re.search(r'<a class="brand"[^>]*>(.*?)</a>', html, re.S)
    assert found
    return re.sub(r"<[^>]+>|❦", "", found.group(1)).strip()


# -- the site's name ------------------------------------------------------------------


def test_site_name_is_in_the_header_and_the_title(named_site: TestClient, demo: Demo) -> None:
    for path in ("/", "/search", "/places", "/no-such-page"):
        html = named_site.get(path).text
        assert title_of(html).endswith("· Valley Learning Archive"), path
        assert brand_of(html) == "Valley Learning Archive", path
    default = demo.client().get("/").text
    assert brand_of(default) == "Commonplace"
    assert "Valley Learning Archive" not in default


# -- the icon -------------------------------------------------------------------------


def test_favicon_ico_answers_with_the_shipped_icon(demo: Demo) -> None:
    answer = demo.client().get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.content == (STATIC / "favicon.svg").read_bytes()


def test_pages_name_their_icon(demo: Demo) -> None:
    client = demo.client()
    html = client.get("/").text
    link = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert link, "the page names no icon"
    assert client.get(link.group(1)).status_code == 200


# -- history ----------------------------------------------------------------------------


def twice_published(demo: Demo) -> str:
    archive = demo.container.archive
    created = archive.artifacts.create(PARTNER, "story", dict(STORY))
    artifact_id = UUID(created.id)
    version = archive.artifacts.submit(PARTNER, artifact_id, created.version).version
    version = archive.artifacts.publish(EDITOR, artifact_id, version).version
    version = archive.artifacts.revise(
        PARTNER, artifact_id, version, {"title": "Morning circles, a year on"},
        note="A clearer title",
    ).version
    version = archive.artifacts.revise(
        PARTNER, artifact_id, version, {"summary": "What a year of listening changed."},
        note="Summary brought up to date",
    ).version
    draft = archive.artifacts.submit(PARTNER, artifact_id, version).version
    archive.artifacts.publish(EDITOR, artifact_id, draft, note="Checked with the school")
    return created.id


def test_history_numbers_editions_and_shows_the_notes(demo: Demo) -> None:
    artifact_id = twice_published(demo)
    html = demo.client().get(f"/artifacts/{artifact_id}/history").text
    timeline = html[html.index('class="timeline"') :]
    assert "2nd edition" in timeline and "1st edition" in timeline
    assert timeline.index("2nd edition") < timeline.index("1st edition")  # newest first
    assert "Published the 2nd edition, from draft 5 — note: Checked with the school" in timeline
    assert "A clearer title; Summary brought up to date" in timeline
    assert "Published the 1st edition, from draft 1" in timeline
    assert "revision of version" not in html
    assert "<ol" not in timeline.split("</ul>")[0]  # no bare "2., 1." numbering
    assert "What changed since the 1st edition" in timeline
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html)
    assert options == ["1st edition, from draft 1", "2nd edition, from draft 5"] * 2


def test_the_api_history_carries_editions_and_notes(demo: Demo) -> None:
    artifact_id = twice_published(demo)
    entries = demo.client().get(f"/api/v1/artifacts/{artifact_id}/history").json()
    assert [e["summary"] for e in entries] == [
        "Published the 1st edition, from draft 1",
        "Published the 2nd edition, from draft 5",
    ]


def test_contributors_see_drafts_and_editions_named_as_such(demo: Demo) -> None:
    artifact_id = twice_published(demo)
    full = demo.client("editor").get(f"/artifacts/{artifact_id}/history").text
    timeline = full[full.index('class="timeline"') :]
    assert "Draft 1" in timeline and "Draft 4" in timeline and "2nd edition" in timeline
    assert "Revised title (A clearer title)" in timeline


# -- licences -------------------------------------------------------------------------


def test_every_licence_is_explained_in_the_picker(demo: Demo) -> None:
    html = demo.client("partner").get("/drafts/new").text
    help_box = html[html.index('class="licence-help"') :]
    for uri, label in LICENCES.items():
        assert LICENCE_HELP[uri] in help_box, label
        assert f"<dt>{label}</dt>" in help_box
    nd = LICENCE_HELP["https://creativecommons.org/licenses/by-nd/4.0/"]
    assert "adapt" in nd and "may not" in nd


def test_the_artifact_page_says_what_its_licence_lets_others_do(demo: Demo) -> None:
    page = demo.client().get(f"/artifacts/{demo.id_of('When Isabel ran the conference')}")
    licence = re.search(r'rel="license">([^<]+)<', page.text)
    assert licence
    uri = next(uri for uri, label in LICENCES.items() if label == licence.group(1))
    assert LICENCE_HELP[uri] in page.text


# -- the demo says it is fictional ------------------------------------------------------


def test_demo_schools_and_their_stories_are_labelled_fictional(demo: Demo) -> None:
    client = demo.client()
    school = client.get("/places/saguaro-wash-middle").text
    assert "Fictional." in school and "demo" in school.lower()
    story = client.get(f"/artifacts/{demo.id_of('When Isabel ran the conference')}").text
    assert "Fictional." in story
    # Real places are not labelled.
    assert "Fictional." not in client.get("/places/arizona").text


def test_a_site_s_own_work_is_not_labelled_fictional(demo: Demo) -> None:
    archive = demo.container.archive
    archive.catalogue.register_place(
        EDITOR, {"slug": "real-school", "name": "A real school", "kind": "school",
                 "parent": "tucson", "lat": 32.2, "lon": -110.9},
    )
    story = {**STORY, "place": "real-school"}
    created = archive.artifacts.create(PARTNER, "story", story)
    version = archive.artifacts.submit(PARTNER, UUID(created.id), created.version).version
    archive.artifacts.publish(EDITOR, UUID(created.id), version)
    client = demo.client()
    assert "Fictional." not in client.get("/places/real-school").text
    assert "Fictional." not in client.get(f"/artifacts/{created.id}").text


# -- the facets are all reachable -------------------------------------------------------


def test_every_facet_group_is_on_the_search_page(demo: Demo) -> None:
    html = demo.client().get("/search").text
    for group in ("Kind", "Year", "Convening"):
        assert re.search(rf"<h2 id=\"facet-[^\"]+\">{group}", html), group


def test_the_filters_have_no_scroll_box_of_their_own() -> None:
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    for rule in re.findall(r"\.filters\s*\{([^}]*)\}", css):
        assert "overflow" not in rule and "max-height" not in rule, rule
