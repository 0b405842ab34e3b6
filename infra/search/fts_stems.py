"""The ``stems`` table of a generation file: vocabulary words and their Snowball stems.

English stems cover every vocabulary word; other languages' stems cover the words of
artifacts in that language only (see ``stemming.EVERY_WORD``). A live write stems the
words it brings. A rebuild takes the vocabulary from FTS5's own at the end; for the
words of each other language it loads those artifacts' text into a contentless FTS5
table of its own (``detail=none``: the vocabulary is all it is for), so the text is
split into words by FTS5's tokenizer rather than word by word in Python, and drops the
table once the stems are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from infra.search.stemming import EVERY_WORD, STEMMERS, base_language, stem_rows
from infra.search.text import words

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS stems (lang TEXT NOT NULL, stem TEXT NOT NULL, "
    "term TEXT NOT NULL, PRIMARY KEY (lang, stem, term)) WITHOUT ROWID"
)
OWN = tuple(lang for lang in STEMMERS if lang != EVERY_WORD)  # stemmed for their own words
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"  # as the fts table's


def document_words(doc: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for name in ("title", "summary", "body"):
        found.update(words(doc[name]))
    for name in ("place_names", "contributors", "themes"):
        found.update(words(" ".join(doc[name])))
    return found


def own_language(doc: dict[str, Any]) -> str | None:
    """The language a document's words are stemmed in besides English, if any."""
    lang = base_language(doc.get("language"))
    return lang if lang in OWN else None


def add_stems(c: SQLiteCursor, terms: list[str], lang: str = EVERY_WORD) -> None:
    rows = stem_rows(terms, (lang,))
    c.executemany("INSERT OR IGNORE INTO stems (lang, stem, term) VALUES (?, ?, ?)", rows)


def add_own_language_stems(c: SQLiteCursor, documents: Iterable[dict[str, Any]]) -> None:
    """A live write: the stems in their own language of its artifacts' words."""
    by_language: dict[str, set[str]] = {}
    for doc in documents:
        lang = own_language(doc)
        if lang is not None:
            by_language.setdefault(lang, set()).update(document_words(doc))
    for lang, found in by_language.items():
        add_stems(c, sorted(found), lang)


def start_bulk(c: SQLiteCursor) -> None:
    for lang in OWN:
        c.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS bulk_words_{lang} USING fts5(text, "
            f"content = '', detail = none, {TOKENIZE})"
        )
        c.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS bulk_vocab_{lang} "
            f"USING fts5vocab(bulk_words_{lang}, row)"
        )


def bulk_add(c: SQLiteCursor, documents: Iterable[dict[str, Any]]) -> None:
    """A rebuild's batch: the text of artifacts in each other language, for its vocabulary."""
    by_language: dict[str, list[tuple[str]]] = {}
    for doc in documents:
        lang = own_language(doc)
        if lang is not None:
            text = [doc["title"], doc["summary"], doc["body"]]
            text += [" ".join(doc[n]) for n in ("place_names", "contributors", "themes")]
            by_language.setdefault(lang, []).append(("\n".join(text),))
    for lang, rows in by_language.items():
        c.executemany(f"INSERT INTO bulk_words_{lang} (text) VALUES (?)", rows)


def finish_bulk(c: SQLiteCursor, terms: list[str]) -> None:
    """The end of a rebuild: English stems of every term, others' from their own words."""
    add_stems(c, terms)
    for lang in OWN:
        c.execute(f"SELECT term FROM bulk_vocab_{lang}")
        add_stems(c, [row[0] for row in c.fetchall()], lang)
        c.execute(f"DROP TABLE bulk_vocab_{lang}")
        c.execute(f"DROP TABLE bulk_words_{lang}")
