"""The language a search is asked in."""

from __future__ import annotations

import pytest

from domain.app.search_language import query_language
from domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("q", "lang", "expected"),
    [
        ("evaluaciones", "es", "es"),
        ("evaluaciones", "es-MX", "es"),
        ("assessment", "EN-gb", "en"),
        ("assessment", None, None),
        ("evaluación", None, None),  # an accent alone is not enough to tell
        ("¿qué es?", None, "es"),
        ("niños", None, "es"),
        ("niños", "en", "en"),  # the reader's language wins
        ("niños", "fr", "es"),  # a language search does not stem: as if not given
        ("circles", "fr", None),
        ("circles", "", None),
    ],
)
def test_the_readers_language_else_only_the_obvious(
    q: str, lang: str | None, expected: str | None
) -> None:
    assert query_language(q, lang) == expected


@pytest.mark.parametrize("lang", ["e", "es_ES", "<b>", "español", "x" * 12])
def test_a_malformed_language_tag_is_refused(lang: str) -> None:
    with pytest.raises(InvalidInput):
        query_language("q", lang)
