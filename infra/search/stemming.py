"""Snowball stems of indexed words, per language, for finding a word's other forms.

The embedded index keeps its FTS5 text unstemmed (exact words and prefixes rank and
highlight as typed) and adds a table of stems: for each language in ``STEMMERS``,
each vocabulary word with its Snowball stem. A query word is stemmed in the query's
language (or in each language when none is known) and the indexed words sharing that
stem join it in the MATCH expression, so ``evaluaciones`` finds ``evaluación`` (the
vocabulary is folded, as FTS5's ``remove_diacritics 2`` folds it, so both are stemmed
in their folded forms: ``evaluacion`` and ``evaluaciones`` stem alike).

PyStemmer's Stemmer objects are not safe to share between threads; each is used under
a lock (a stem takes about a microsecond).

Which words have stems in which language: see ``EVERY_WORD``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import Stemmer

from domain.ports.search import SEARCH_LANGUAGES

ALGORITHMS = {"en": "english", "es": "spanish"}
STEMMERS = {lang: Stemmer.Stemmer(ALGORITHMS[lang]) for lang in SEARCH_LANGUAGES}
_lock = threading.Lock()
MIN_LENGTH = 3  # shorter words (and prefixes being typed) are not expanded
# English stems cover every indexed word, whatever its artifact's language (the English
# stemmer mostly takes off an -s from Spanish words: ``familias``, ``familia``). Other
# languages' stems cover only the words of artifacts in that language, so that a query
# of unknown language is not stemmed by Spanish rules where English text is concerned
# (Spanish would make ``their`` and ``the`` one word), and a rebuild reads the text of
# those artifacts only (the vocabulary of the rest comes from FTS5's own).
EVERY_WORD = "en"


def languages_for(lang: str | None) -> tuple[str, ...]:
    """The languages a query's words are stemmed in: its own, or all when not known."""
    return (lang,) if lang in STEMMERS else tuple(STEMMERS)


def stems(lang: str, words: Sequence[str]) -> list[str]:
    """The Snowball stems of ``words`` (folded, lower-case) in ``lang``."""
    with _lock:
        found: list[str] = STEMMERS[lang].stemWords(list(words))
    return found


def stem_rows(words: Sequence[str], languages: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(lang, stem, word)`` rows for the ``stems`` table, in each of ``languages``."""
    chosen = [w for w in words if len(w) >= MIN_LENGTH and not w.isdigit()]
    rows: list[tuple[str, str, str]] = []
    for lang in languages:
        rows.extend((lang, stem, w) for stem, w in zip(stems(lang, chosen), chosen, strict=True))
    return rows


def base_language(tag: str | None) -> str:
    """The language subtag of a BCP 47 tag, lower-case: ``es`` for ``es-MX``."""
    return (tag or "").split("-")[0].lower()
