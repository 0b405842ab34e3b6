"""The search page's language: the page's own for ranking, and a language filter in the URL."""

from __future__ import annotations

from starlette.datastructures import QueryParams

from services.api.web.searching import SearchState
from tests.web.conftest import Demo


def test_the_page_language_ranks_and_the_language_filter_is_kept_in_links() -> None:
    state = SearchState.from_query(QueryParams("q=evaluaciones&language=es"), "es")
    assert (state.lang, state.language, state.filtered) == ("es", "es", True)
    assert state.url() == "/search?q=evaluaciones&language=es"
    assert state.toggle("language", "es") == "/search?q=evaluaciones"
    assert SearchState.from_query(QueryParams("q=x")).lang is None


def test_the_search_page_in_spanish_answers(demo: Demo) -> None:
    demo.index()
    page = demo.client().get("/search?q=evaluaci%C3%B3n&lang=es&language=es")
    assert page.status_code == 200
    assert 'lang="es"' in page.text
