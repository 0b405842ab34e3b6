"""Searches in Meilisearch's terms: the index settings, filter expressions, search
parameters, and the answers translated back into hits and facets.

Pure functions of the query or the response, so the adapter in
:mod:`infra.search.meili` only talks to the server.
"""

from __future__ import annotations

import html
from typing import Any

from domain.ports.search import SEARCH_LANGUAGES, Hit, SearchQuery
from infra.search.stemming import base_language

MARK_START, MARK_END = "\x02", "\x03"
# Each level of a document's place path as an attribute of its own, for the capped
# place tree (infra.search.facet_caps): the top level and the children of a selection.
PLACE_LEVELS = tuple(f"place_level_{n}" for n in range(6))
FACET_ATTRIBUTES = {
    "terms": "terms",
    "term_filter": "term_filter",
    "place_path": "places",
    "kind": "kind",
    "year": "year",
    "convening": "convening",
    "language": "language",
}
# The text attributes stored per language (``{"es": "..."}``) so that localizedAttributes
# can tell Meilisearch each document's language; ``stored`` unwraps them again.
LOCALIZED = ("title", "summary", "body", "themes")
LOCALES = {"en": "eng", "es": "spa"}  # ISO 639-3, as localizedAttributes names languages
# 0 for documents in that language, 1 for the others: sorting on it puts a language first.
OTHER_LANGUAGE = {lang: f"other_language_{lang}" for lang in SEARCH_LANGUAGES}
DERIVED = frozenset((*PLACE_LEVELS, *OTHER_LANGUAGE.values()))
SETTINGS: dict[str, Any] = {
    "searchableAttributes": ["title", "summary", "place_names", "contributors", "themes", "body"],
    "filterableAttributes": [
        "id",
        "kind",
        "terms",
        "term_filter",
        "place_path",
        "convening",
        "excursion",
        "year",
        "language",
        "licence",
        "members_only",
        "_geo",
        *PLACE_LEVELS,
    ],
    "sortableAttributes": ["published_at", "_geo", *OTHER_LANGUAGE.values()],
    # Sort first: a sort asked for orders everything, as in the SQLite backend (newest and
    # distance are whole orders; a query's language first, then relevance within each).
    "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
    "localizedAttributes": [
        {"attributePatterns": [f"{name}.{lang}" for name in LOCALIZED], "locales": [locale]}
        for lang, locale in LOCALES.items()
    ],
    "faceting": {"maxValuesPerFacet": 500, "sortFacetValuesBy": {"*": "count"}},
    "pagination": {"maxTotalHits": 100_000},
    "typoTolerance": {"enabled": True},
}


def quote(value: str) -> str:
    """A value inside a filter expression: always quoted, quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filters(query: SearchQuery) -> list[str]:
    """The filter expressions (AND-ed) for a query."""
    found = [] if query.include_members else ["members_only = false"]
    found += [f"term_filter = {quote(term)}" for term in query.terms]
    found += [f"place_path = {quote(place)}" for place in query.places]
    if query.kinds:
        found.append("kind IN [" + ", ".join(quote(k) for k in query.kinds) + "]")
    for attribute in ("convening", "excursion", "language", "licence"):
        value = getattr(query, attribute)
        if value is not None:
            found.append(f"{attribute} = {quote(value)}")
    if query.year_from is not None:
        found.append(f"year >= {int(query.year_from)}")
    if query.year_to is not None:
        found.append(f"year <= {int(query.year_to)}")
    if query.near and query.radius_km is not None:
        lat, lng = query.near
        found.append(f"_geoRadius({float(lat)}, {float(lng)}, {round(query.radius_km * 1000)})")
    return found


def search_parameters(query: SearchQuery) -> dict[str, Any]:
    """The search request's parameters besides the words."""
    params: dict[str, Any] = {
        "filter": filters(query),
        # Every word must match, as in the SQLite backend (Meilisearch's default drops words).
        "matchingStrategy": "all",
        "page": query.page,
        "hitsPerPage": query.per_page,
        "attributesToHighlight": ["title", "summary", "body"],
        "attributesToCrop": ["body"],
        "cropLength": 30,
        "highlightPreTag": MARK_START,
        "highlightPostTag": MARK_END,
    }
    if query.facets:
        params["facets"] = list(FACET_ATTRIBUTES)
        if query.facet_limit is not None:
            params["facets"] = [f for f in FACET_ATTRIBUTES if f != "place_path"]
            params["facets"] += list(PLACE_LEVELS)
    if query.lang in LOCALES:
        params["locales"] = [LOCALES[query.lang]]
    if query.sort == "relevance" and query.lang in OTHER_LANGUAGE:
        params["sort"] = [f"{OTHER_LANGUAGE[query.lang]}:asc"]
        if not query.q.strip():  # no words: newest first within each group, as SQLite does
            params["sort"].append("published_at:desc")
    elif query.sort == "newest":
        params["sort"] = ["published_at:desc"]
    elif query.sort == "distance" and query.near:
        params["sort"] = [f"_geoPoint({float(query.near[0])}, {float(query.near[1])}):asc"]
    return params


def for_index(document: dict[str, Any]) -> dict[str, Any]:
    """The document as Meilisearch holds it: each level of its place path as an attribute
    of its own, its text under its language, and which languages it is not in."""
    path = document.get("place_path") or []
    lang = base_language(document.get("language")) or "und"
    return {
        **document,
        **dict(zip(PLACE_LEVELS, path, strict=False)),
        **{name: {lang: document[name]} for name in LOCALIZED if name in document},
        **{name: int(lang != other) for other, name in OTHER_LANGUAGE.items()},
    }


def unwrapped(value: Any) -> Any:
    """A localized attribute's value (``{"es": "..."}``) as it was written."""
    return next(iter(value.values()), "") if isinstance(value, dict) else value


def stored(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the indexer wrote it (without the attributes ``for_index`` added)."""
    return {
        k: unwrapped(v) if k in LOCALIZED else v for k, v in document.items() if k not in DERIVED
    }


def field(document: Any, name: str) -> Any:
    """A field of a document, whether the client gave a dict or a Document."""
    return document[name] if isinstance(document, dict) else getattr(document, name)


def hit(raw: dict[str, Any]) -> Hit:
    """A hit from a raw Meilisearch hit, its snippet marked up and escaped."""
    formatted = {
        k: unwrapped(v) for k, v in (raw.get("_formatted") or {}).items() if k in LOCALIZED
    }
    text = next(
        (formatted[k] for k in ("body", "summary", "title") if MARK_START in str(formatted.get(k))),
        unwrapped(raw.get("summary")) or str(formatted.get("body", ""))[:200],
    )
    snippet = html.escape(str(text)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    document = stored({k: v for k, v in raw.items() if not k.startswith("_") or k == "_geo"})
    distance = raw.get("_geoDistance")
    return Hit(
        id=str(raw["id"]),
        document=document,
        snippet=snippet,
        distance_km=distance / 1000 if distance is not None else None,
    )


def facets(distribution: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The facet counts under our names, without the empty ones."""
    return {
        FACET_ATTRIBUTES[name]: dict(values)
        for name, values in distribution.items()
        if name in FACET_ATTRIBUTES and values
    }
