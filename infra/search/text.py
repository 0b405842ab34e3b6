"""Turning what people type into safe search expressions, with typo tolerance.

User input never reaches a search engine's query language as syntax: words are
extracted and quoted. Typo tolerance follows Meilisearch's defaults: words of
5-8 characters allow one typo, 9 or more allow two, and a typo on the first
letter counts double.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TOKEN = re.compile(r'"([^"]*)"|(-?)(\w+)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip diacritics, as the unicode61 tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    if text.isascii():  # the common case, without a Python step per character
        return _WORD.findall(text.lower())
    return [fold(w) for w in _WORD.findall(text)]


@dataclass
class ParsedQuery:
    """Words to find (the last may be a prefix), exact phrases, and words to exclude."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    last_is_prefix: bool = False

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def parse(q: str, max_words: int = 32) -> ParsedQuery:
    parsed = ParsedQuery()
    for phrase, minus, word in _TOKEN.findall(q[:1000]):
        if phrase:
            found = words(phrase)
            if found:
                parsed.phrases.append(found[:max_words])
        elif minus:
            parsed.excluded.extend(words(word))
        else:
            parsed.words.extend(words(word))
    parsed.words = parsed.words[:max_words]
    # A word still being typed (no space or quote after it) may be a prefix.
    parsed.last_is_prefix = bool(parsed.words) and bool(q) and q[-1].isalnum()
    return parsed


def allowed_typos(word: str) -> int:
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


def typo_distance(query_word: str, term: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), first letter counted twice."""
    distance = _osa(query_word, term)
    if distance and query_word[:1] != term[:1]:
        distance += 1
    return distance


def _osa(a: str, b: str) -> int:
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TypoIndex:
    """A symmetric-delete index over a vocabulary, for finding near spellings fast."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.frequency = vocabulary
        self.by_delete: dict[str, list[str]] = {}
        for term in vocabulary:
            if len(term) >= 4:
                for key in deletes(term) | {term}:
                    self.by_delete.setdefault(key, []).append(term)

    def corrections(self, word: str, limit: int = 4) -> list[str]:
        budget = allowed_typos(word)
        if not budget:
            return []
        found: set[str] = set()
        for key in deletes(word) | {word}:
            found.update(self.by_delete.get(key, ()))
        scored = [
            (typo_distance(word, t), -self.frequency.get(t, 0), t) for t in found if t != word
        ]
        return [t for d, _, t in sorted(scored) if d <= budget][:limit]
