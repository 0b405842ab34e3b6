"""Editors edit convenings and their learning excursions on prefilled, CSRF-protected forms."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.access import SYSTEM
from tests.web.conftest import Demo, csrf_of

CONVENING = "/catalogue/convenings/edit-gathering/edit"
EXCURSION = "/catalogue/excursions/edit-walk/edit"


@pytest.fixture(scope="module", autouse=True)
def gathering(demo: Demo) -> None:
    archive = demo.container.archive
    archive.catalogue.schedule_convening(SYSTEM, {
        "slug": "edit-gathering", "title": "Edit gathering", "place": "tucson",
        "starts": "2026-03-02", "ends": "2026-03-04", "question": "What?", "summary": "",
    })
    archive.catalogue.schedule_convening(SYSTEM, {
        "slug": "edit-second", "title": "Second gathering", "place": "tucson",
        "starts": "2026-06-01", "ends": "2026-06-02", "question": "", "summary": "",
    })
    archive.catalogue.plan_excursion(SYSTEM, {
        "slug": "edit-walk", "convening": "edit-gathering", "title": "A walk",
        "host_place": "tucson", "date": "2026-03-03",
        "leaders": [{"name": "Ana R.", "role": "local-leader"}],
    })


def post(client: TestClient, page: str, fields: dict[str, object]) -> Any:
    form = client.get(page).text
    version = html.unescape(form).split('name="version" value="')[1].split('"')[0]
    data = {"version": version, **fields, "csrf": csrf_of(form)}
    return client.post(page, data=data, follow_redirects=False)


@pytest.mark.parametrize("path", [CONVENING, EXCURSION])
def test_only_editors_get_the_edit_pages(demo: Demo, path: str) -> None:
    assert demo.client().get(path, follow_redirects=False).status_code in (302, 303, 401)
    assert demo.client("partner").get(path).status_code == 403
    assert demo.client("partner").post(path, data={"title": "X"}).status_code == 403
    assert demo.client("editor").get(path.replace("edit-", "no-such-")).status_code == 404


def test_the_catalogue_links_to_the_edit_pages(demo: Demo) -> None:
    page = demo.client("editor").get("/catalogue").text
    assert f'href="{CONVENING}"' in page and f'href="{EXCURSION}"' in page


def test_the_convening_form_is_filled_in_and_saves(demo: Demo) -> None:
    client = demo.client("editor")
    form = client.get(CONVENING).text
    assert 'value="Edit gathering"' in form and 'value="2026-03-02"' in form
    assert ">What?</textarea>" in form and 'name="slug"' not in form
    answer = post(client, CONVENING, {
        "title": "Edit gathering, spring", "place": "tucson",
        "starts": "2026-03-02", "ends": "2026-03-05", "question": "What?",
    })
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/catalogue#convening-edit-gathering"
    saved = demo.container.archive.catalogue.get_convening("edit-gathering")
    assert (saved["title"], saved["ends"]) == ("Edit gathering, spring", "2026-03-05")


def test_a_refused_convening_edit_keeps_what_was_typed(demo: Demo) -> None:
    client = demo.client("editor")
    answer = post(client, CONVENING, {
        "title": "Backwards now", "place": "tucson", "starts": "2026-03-09", "ends": "2026-03-01",
    })
    assert answer.status_code == 422 and "cannot end before it starts" in answer.text
    assert 'value="Backwards now"' in answer.text and 'aria-invalid="true"' in answer.text
    assert (
        demo.container.archive.catalogue.get_convening("edit-gathering")["title"] != "Backwards now"
    )
    no_csrf = client.post(CONVENING, data={"title": "X", "place": "tucson"})
    assert no_csrf.status_code == 403


def test_a_form_filled_from_an_older_version_is_refused(demo: Demo) -> None:
    client = demo.client("editor")
    form = client.get(EXCURSION).text
    demo.container.archive.catalogue.update_excursion(
        SYSTEM, "edit-walk", {"big_question": "Meanwhile"}
    )
    fields = {"title": "Overwriting", "host_place": "tucson", "csrf": csrf_of(form)}
    version = html.unescape(form).split('name="version" value="')[1].split('"')[0]
    answer = client.post(EXCURSION, data={**fields, "version": version}, follow_redirects=False)
    assert answer.status_code == 412 and "Reload it" in answer.text
    assert demo.container.archive.catalogue.get_excursion("edit-walk")["title"] == "A walk"


def test_the_excursion_form_is_filled_in_and_moves_it(demo: Demo) -> None:
    client = demo.client("editor")
    form = client.get(EXCURSION).text
    assert 'value="A walk"' in form and 'value="Ana R."' in form
    assert '<option value="edit-gathering" selected>' in form
    answer = post(client, EXCURSION, {
        "title": "A longer walk", "convening": "edit-second", "host_place": "tucson",
        "date": "", "leader_name": ["Ana R.", "Bo L."],
        "leader_role": ["local-leader", "lead-learner"],
    })
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/catalogue#convening-edit-second"
    saved = demo.container.archive.catalogue.get_excursion("edit-walk")
    assert (saved["title"], saved["convening"], saved["date"]) == (
        "A longer walk", "edit-second", None
    )
    assert [leader["name"] for leader in saved["leaders"]] == ["Ana R.", "Bo L."]
    bad = post(client, EXCURSION, {"title": "X", "convening": "edit-second", "host_place": "nope"})
    assert bad.status_code == 422 and "Unknown host place" in html.unescape(bad.text)
