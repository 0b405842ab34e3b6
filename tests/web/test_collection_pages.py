"""Collection pages: making and curating a collection through its forms (CSRF and
versions), what readers see, Spanish, and markup that labels every control."""

from __future__ import annotations

import re
from uuid import UUID

from lxml import html as lxml_html

from domain.access import Principal
from infra.bootstrap import build_indexer
from tests.conftest import READY_STORY
from tests.web.conftest import Demo, csrf_of


def principal(demo: Demo, who: str) -> Principal:
    found = demo.container.archive.tokens.authenticate(demo.tokens[who])
    assert found is not None
    return found


def published_story(demo: Demo, title: str) -> str:
    archive = demo.container.archive
    created = archive.artifacts.create(
        principal(demo, "partner"), "story", {**READY_STORY, "title": title, "place": "tucson"}
    )
    archive.artifacts.publish(principal(demo, "editor"), UUID(created.id), created.version)
    return created.id


def version_of(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "no version field in the page"
    return found.group(1)


def labelled(page: str) -> None:
    """Every visible control has a label; one h1; every form posts with a CSRF token."""
    tree = lxml_html.fromstring(page)
    labels = {label.get("for") for label in tree.iter("label")}
    for control in tree.xpath("//input[not(@type='hidden')]|//textarea|//select"):
        assert control.get("id") in labels, lxml_html.tostring(control)
    assert len(tree.xpath("//h1")) == 1
    for form in tree.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@name='csrf']"), form.get("action")
        assert form.xpath(".//button[@type='submit']"), form.get("action")


def test_a_partner_makes_and_curates_a_collection_of_their_work(demo: Demo) -> None:
    first = published_story(demo, "Circle story one")
    second = published_story(demo, "Circle story two")
    partner = demo.client("partner")
    listing = partner.get("/collections")
    assert listing.status_code == 200
    labelled(listing.text)
    made = partner.post(
        "/collections",
        data={
            "csrf": csrf_of(listing.text),
            "slug": "circles-year",
            "title": "A year of circles",
            "introduction": "Our *year*.\n\n<script>alert(1)</script>",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = partner.get(made.headers["location"])
    assert "The collection is made." in page.text
    assert "<em>year</em>" in page.text and "<script>alert" not in page.text
    labelled(page.text)
    for artifact_id in (first, f"https://testserver/artifacts/{second}"):
        added = partner.post(
            "/collections/circles-year/items",
            data={
                "csrf": csrf_of(page.text),
                "version": version_of(page.text),
                "artifact": artifact_id,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303, added.text
        page = partner.get("/collections/circles-year")
    link = partner.post(
        "/collections/circles-year/items",
        data={
            "csrf": csrf_of(page.text),
            "version": version_of(page.text),
            "url": "https://example.org/circles",
            "title": "Circles elsewhere",
        },
    )
    assert link.status_code == 200 and "Circles elsewhere" in link.text
    page = link
    assert page.text.index("Circle story one") < page.text.index("Circle story two")
    moved = partner.post(
        f"/collections/circles-year/items/{second}/move",
        data={"csrf": csrf_of(page.text), "version": version_of(page.text), "direction": "up"},
    )
    assert moved.text.index("Circle story two") < moved.text.index("Circle story one")
    stale = partner.post(
        f"/collections/circles-year/items/{first}/remove",
        data={"csrf": csrf_of(page.text), "version": version_of(page.text)},
    )
    assert stale.status_code == 409
    assert "changed after you loaded it" in stale.text
    reader = demo.client().get("/collections/circles-year")
    assert "Circle story one" in reader.text and "Move up" not in reader.text
    build_indexer(demo.container).catch_up()
    assert "A year of circles" in demo.client().get("/collections").text


def test_forms_are_refused_without_csrf_or_rights(demo: Demo) -> None:
    member = demo.client("member")
    page = member.get("/collections")
    assert "Make a collection" not in page.text
    refused = member.post(
        "/collections",
        data={"csrf": csrf_of(page.text), "slug": "members-own", "title": "Mine"},
    )
    assert refused.status_code == 403
    partner = demo.client("partner")
    no_csrf = partner.post("/collections", data={"slug": "no-csrf", "title": "No"})
    assert no_csrf.status_code == 403
    bad = partner.post(
        "/collections",
        data={"csrf": csrf_of(partner.get("/collections").text), "slug": "Bad Slug", "title": "T"},
    )
    assert bad.status_code == 422
    assert "is not valid" in bad.text
    assert 'value="Bad Slug"' in bad.text  # what was typed is kept


def test_a_withdrawn_work_leaves_the_page_and_curators_may_take_it_out(demo: Demo) -> None:
    kept = published_story(demo, "Staying story")
    gone = published_story(demo, "Leaving story")
    archive = demo.container.archive
    editor = principal(demo, "editor")
    v = archive.collections.create(editor, "leaving-test", "Leaving test").version
    for artifact_id in (kept, gone):
        v = archive.collections.add_artifact(editor, "leaving-test", v, UUID(artifact_id)).version
    archive.artifacts.withdraw(editor, UUID(gone), "Consent withdrawn")
    reader = demo.client().get("/collections/leaving-test")
    assert "Staying story" in reader.text and "Leaving story" not in reader.text
    curator = demo.client("editor").get("/collections/leaving-test")
    assert "No longer shown" in curator.text and gone in curator.text
    assert "Leaving story" not in curator.text
    labelled(curator.text)


def test_collection_pages_in_spanish(demo: Demo) -> None:
    editor = principal(demo, "editor")
    demo.container.archive.collections.create(editor, "spanish-test", "Prueba")
    page = demo.client("editor").get("/collections/spanish-test?lang=es")
    assert "En esta colección" in page.text and "Añadir obra publicada" in page.text
    assert "Colecciones" in demo.client().get("/collections?lang=es").text
