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
