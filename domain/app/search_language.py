"""The language a search is asked in: for stemming its words and ranking its language first."""

from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.ports.search import SEARCH_LANGUAGES

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
SPANISH_MARKS = frozenset("ñÑ¿¡")  # letters and marks no other language searched here uses


def query_language(q: str, lang: str | None) -> str | None:
    """The language a query is in: ``lang`` (the reader's) when search knows it, else
    Spanish when the query has a letter or mark only Spanish uses here, else unknown."""
    if lang:  # an empty lang= is no language
        if not LANGUAGE_TAG.fullmatch(lang):
            raise InvalidInput(
                f"lang must be a language tag such as es or en-GB, not {lang[:40]!r}.",
                field="lang",
            )
        base = lang.split("-")[0].lower()
        if base in SEARCH_LANGUAGES:
            return base
    return "es" if SPANISH_MARKS.intersection(q) else None
