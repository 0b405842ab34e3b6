"""How many artifacts a broader term covers, its narrower terms included.

The search facets count each exact term; a condition's own count leaves out what
is tagged only with its competencies. Browse pages show the fuller number, asked
of the index one cheap count query per broader term."""

from __future__ import annotations

from dataclasses import replace

from domain.access import Principal
from domain.app.search import SearchRequest
from infra.bootstrap import Container
from services.api.web.vocab import FrameworkTree


def broader_totals(
    container: Container, principal: Principal, framework: FrameworkTree
) -> dict[str, int]:
    """{term key: artifacts tagged with it or any narrower term}, for terms with children."""
    totals = {}
    for term in framework.terms:
        if term.children:
            query = container.queries.query_for(principal, SearchRequest(term=(term.key,)))
            result = container.search.search(replace(query, per_page=1, facets=False))
            totals[term.key] = result.total
    return totals
