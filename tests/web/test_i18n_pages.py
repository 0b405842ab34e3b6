"""The pages in English and Spanish: the switch, the cookie, Accept-Language and ``?lang=``."""

from __future__ import annotations

import re

import pytest

from services.api.web import i18n
from tests.web.conftest import Demo

SPANISH_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
ENGLISH_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
SCRIPTS = re.compile(r"<script[^>]*>.*?</script>", re.S)
SCRIPT_MESSAGES = re.compile(r'data-messages="[^"]*"')
HTML_LANG = re.compile(r'<html lang="([a-z-]+)">')


def lang_of(html: str) -> str:
    found = HTML_LANG.search(html)
    assert found, "no <html lang>"
    return found.group(1)


def test_english_is_the_default(demo: Demo) -> None:
    page = demo.client().get("/")
    assert lang_of(page.text) == "en"
    assert "Skip to main content" in page.text
    assert page.headers["content-language"] == "en"
    assert "set-cookie" not in page.headers or i18n.COOKIE not in page.headers["set-cookie"]


def test_accept_language_chooses_spanish(demo: Demo) -> None:
    page = demo.client().get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert lang_of(page.text) == "es"
    assert "Ir al contenido principal" in page.text
    assert "Skip to main content" not in page.text
    assert "accept-language" in page.headers["vary"].lower()


def test_a_preferred_language_without_a_catalogue_falls_back(demo: Demo) -> None:
    page = demo.client().get("/", headers={"Accept-Language": "fr-CA, fr;q=0.9, es;q=0.4"})
    assert lang_of(page.text) == "es"
    page = demo.client().get("/", headers={"Accept-Language": "de"})
    assert lang_of(page.text) == "en"


def test_the_switch_is_on_every_page_and_is_remembered(demo: Demo) -> None:
    client = demo.client()
    home = client.get("/search?q=assessment")
    assert 'href="/search?q=assessment&amp;lang=es"' in home.text
    assert 'lang="es" hreflang="es"' in home.text
    chosen = client.get("/search?q=assessment&lang=es")
    assert lang_of(chosen.text) == "es"
    assert f"{i18n.COOKIE}=es" in chosen.headers["set-cookie"]
    # The next page, with no ?lang, stays in Spanish, even against the browser's preference.
    later = client.get("/places", headers={"Accept-Language": "en"})
    assert lang_of(later.text) == "es"
    back = client.get("/places?lang=en")
    assert lang_of(back.text) == "en"
    assert lang_of(client.get("/").text) == "en"


def test_a_shared_link_wins_over_the_cookie(demo: Demo) -> None:
    client = demo.client()
    client.cookies.set(i18n.COOKIE, "en")
    assert lang_of(client.get("/search?lang=es").text) == "es"


@pytest.mark.parametrize("value", ["fr", "xx-<script>", ""])
def test_an_unknown_language_is_ignored(demo: Demo, value: str) -> None:
    page = demo.client().get("/", params={"lang": value})
    assert page.status_code == 200
    assert lang_of(page.text) == "en"
    assert i18n.COOKIE not in page.headers.get("set-cookie", "")


def test_error_pages_speak_the_readers_language(demo: Demo) -> None:
    page = demo.client().get("/no-such-page", headers={"Accept-Language": "es"})
    assert page.status_code == 404
    assert lang_of(page.text) == "es"
    assert "No encontramos esta página" in page.text


def test_dates_and_numbers_follow_the_language(demo: Demo) -> None:
    english = demo.client().get("/").text
    spanish = demo.client().get("/?lang=es").text
    assert re.search(rf"\d+ de ({SPANISH_MONTHS}) de \d{{4}}", spanish)
    assert re.search(rf"\d+ ({ENGLISH_MONTHS}) \d{{4}}", english)


def test_facet_titles_and_result_counts_are_translated(demo: Demo) -> None:
    page = demo.client().get("/search?lang=es").text
    assert "publicaciones" in page
    assert ">Tipos<" in page and ">Lugares<" in page
    assert ">Kinds<" not in page


def english_phrases() -> set[str]:
    """Message ids long enough to be recognised, whose Spanish differs, without placeholders."""
    from tests.web.test_i18n_catalogue import catalogue

    found = set()
    for message in catalogue("es").values():
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        text = message.string[0] if isinstance(message.string, (tuple, list)) else message.string
        if len(str(msgid)) >= 14 and "%(" not in str(msgid) and msgid != text:
            found.add(str(msgid).split("<")[0].strip())
    return {p for p in found if len(p) >= 14}


def test_spanish_pages_carry_no_english_interface_text(demo: Demo) -> None:
    from html import unescape

    story = demo.id_of(demo.client().get("/api/v1/search?per_page=1").json()["hits"][0]["title"])
    pages = [
        "/",
        "/search",
        "/search?q=zzzzqqq",
        "/places",
        "/map",
        "/terms/principles",
        "/terms/conditions",
        "/terms/conditions/equity-driven",
        f"/artifacts/{story}",
        f"/artifacts/{story}/history",
        "/signin",
        "/no-such-page",
    ]
    phrases = english_phrases()
    for role, paths in (
        (None, pages),
        ("editor", ["/review", "/drafts", "/drafts/new", "/catalogue", "/catalogue/places/new"]),
    ):
        client = demo.client(role)
        for path in paths:
            answer = client.get(path, headers={"Accept-Language": "es"})
            assert answer.status_code == (404 if path == "/no-such-page" else 200), path
            page = answer.text
            # Linked data describes the artifact in its own language, not the interface;
            # search.js's table of words is keyed by their English text.
            html = unescape(SCRIPT_MESSAGES.sub("", SCRIPTS.sub("", page)))
            left = sorted(p for p in phrases if p in html)
            assert not left, f"{path} still shows English: {left}"


def test_search_as_you_type_gets_the_pages_words(demo: Demo) -> None:
    import json
    from html import unescape

    page = demo.client().get("/search?lang=es").text
    found = re.search(r'data-messages="([^"]*)"', page)
    assert found, "the search form carries no messages for search.js"
    messages = json.loads(unescape(found.group(1)))
    assert messages["Nothing found"] == "No encontramos nada"
    assert messages["%(num)s artifacts"] == "%(num)s publicaciones"
    assert messages["%(km)s km away"] == "a %(km)s km"
    assert messages["Near me"] == "Cerca de mí"  # nearpick.js reads the same table
    english = demo.client().get("/search").text
    assert "&#34;Nothing found&#34;: &#34;Nothing found&#34;" in english


def test_history_and_diff_name_the_steps_in_spanish(demo: Demo) -> None:
    from domain.access import Principal, Role

    editor = Principal(id="test-editor", name="Editor", role=Role.EDITOR)
    revised = next(
        item
        for item in demo.container.archive.reading.list_artifacts(
            editor, status="published", limit=50
        )["items"]
        if item["published"]["number"] > 1 and item["visibility"] == "public"
    )
    client = demo.client()
    history = client.get(f"/artifacts/{revised['id']}/history?lang=es").text
    assert "Comparar dos ediciones" in history and "1.ª edición" in history
    versions = [int(v) for v in re.findall(r'<option value="(\d+)"', history)]
    diff = client.get(f"/artifacts/{revised['id']}/diff?from={versions[0]}&to={versions[-1]}")
    assert "Cambios entre la 1.ª edición y la " in diff.text
    assert "What changed" not in diff.text and "1st edition" not in diff.text
