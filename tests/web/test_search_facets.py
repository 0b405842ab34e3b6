"""The search page's facets are capped, with a link that shows one facet in full."""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams

from services.api.web.facets import facet_groups
from services.api.web.searching import SearchState
from services.api.web.vocab import framework_trees
from tests.web.conftest import Demo

YEARS = {"years": [{"year": str(y), "count": 1} for y in range(2010, 2022)]}


def groups(demo: Demo, query: str) -> dict[str, object]:
    archive = demo.container.archive
    state = SearchState.from_query(QueryParams(query))
    found = facet_groups(archive, state, YEARS, framework_trees(archive))
    return {g.id: g for g in found}


def test_a_full_group_offers_the_rest_and_the_link_asks_for_it(demo: Demo) -> None:
    year = groups(demo, "q=circles")["year"]
    assert year.more_url == "/search?q=circles&more=years"  # type: ignore[attr-defined]
    shown = groups(demo, "q=circles&more=years")["year"]
    assert shown.more_url == ""  # type: ignore[attr-defined]


def test_the_page_renders_capped_facets_and_the_more_link(demo: Demo) -> None:
    demo.index()
    html = demo.client().get("/search?more=places").text
    assert 'id="facet-place"' in html and "Show more places" not in html
    assert re.search(r'class="count">\d+<', html)
    assert demo.client().get("/search?more=nonsense").status_code == 200, "ignored, not an error"


def test_the_language_group_names_each_language_in_itself_and_toggles_it(demo: Demo) -> None:
    archive = demo.container.archive
    facets = {"languages": [{"language": "en", "count": 17}, {"language": "es", "count": 6}]}
    state = SearchState.from_query(QueryParams("q=familias&language=es"))
    found = {g.id: g for g in facet_groups(archive, state, facets, framework_trees(archive))}
    values = {v.label: v for v in found["language"].values}
    assert (values["English"].count, values["Español"].count) == (17, 6)
    assert values["Español"].selected and not values["English"].selected
    assert "language" not in values["Español"].url  # choosing it again takes the filter off
    assert "language=en" in values["English"].url


def test_the_demo_search_page_offers_the_spanish_artifacts(demo: Demo) -> None:
    demo.index()
    html = demo.client().get("/search").text
    assert 'id="facet-language"' in html
    spanish = demo.client().get("/search?language=es&q=progreso").text
    assert "Lo que en mi casa contamos como progreso" in spanish
    english = demo.client().get("/search?language=en&q=progreso").text
    assert "Lo que en mi casa contamos como progreso" not in english
