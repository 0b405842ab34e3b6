"""How many artifacts a broader term covers, its narrower terms included.

The search facets count each exact term; a condition's own count leaves out what
is tagged only with its competencies. Browse pages show the fuller number, asked
of the index one cheap count query per broader term."""

from __future__ import annotations

from domain.access import Principal
from domain.app.search import SearchRequest, SearchService
from services.api.web.vocab import FrameworkTree


def broader_totals(
    search: SearchService, principal: Principal, framework: FrameworkTree
) -> dict[str, int]:
    """{term key: artifacts tagged with it or any narrower term}, for terms with children."""
    return {
        term.key: search.count(principal, SearchRequest(term=(term.key,)))
        for term in framework.terms
        if term.children
    }
