"""Plain text for the search index, read from markdown-it's token stream.

The index used to get its text by rendering each body to HTML, stripping every tag
with nh3 and unescaping the entities. ``plain_text`` reads the same words from the
tokens instead; these tests hold it to that older output (whitespace aside) on the
demo archive, on bodies from the benchmark corpus generator and on awkward cases.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nh3
import pytest
from markdown_it import MarkdownIt

from infra.markdown import plain_text

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table")
DEMO = Path(__file__).resolve().parents[2] / "infra" / "demo" / "demo.json"


def rendered_and_stripped(markdown: str) -> str:
    """The text the index stored before: render, strip all tags, unescape."""
    return html.unescape(nh3.clean(_RENDERER.render(markdown or ""), tags=set())).strip()


def words(text: str) -> list[str]:
    return text.split()


AWKWARD = [
    "![a description of the photo](media:1234) and the caption after it",
    "`inline code` & &amp; &copy; &#35; <b>not a tag</b> <script>alert(1)</script>",
    "```python\nfenced <x> & y\n```\n\n    indented code\n\nafter",
    "| a | b |\n|---|:--:|\n| 1 | two *words* |\n| 3 | `4` |",
    "One\n\n---\n\nTwo\n***\nThree",
    "> a quote\n> > nested\n\n1. one\n2. two\n   - inner\n\n- loose\n\n- list",
    "line  \nbreak\\\nnext [link *emphasis*](http://example.org 'title') <http://auto.link>",
    "Setext heading\n==============\n\nword*s*run**to**gether [ref][1]\n\n[1]: http://example.org",
    "\\*escaped\\* \\<not html\\> ~~not struck~~ [^not a footnote]",
    "",
]


@pytest.mark.parametrize("markdown", AWKWARD)
def test_awkward_markdown_gives_the_rendered_words(markdown: str) -> None:
    assert words(plain_text(markdown)) == words(rendered_and_stripped(markdown))


def test_image_descriptions_and_link_targets_are_not_indexed() -> None:
    text = plain_text("![a photo of the garden](media:1) See [the notes](https://example.org/n).")
    assert "photo" not in text and "example.org" not in text
    assert words(text) == ["See", "the", "notes."]


def test_blocks_and_cells_never_run_together() -> None:
    assert words(plain_text("# Title\nBody\n\n| a | b |\n|---|---|\n| c | d |")) == [
        "Title",
        "Body",
        "a",
        "b",
        "c",
        "d",
    ]


def test_the_demo_archive_gives_the_same_words() -> None:
    artifacts = json.loads(DEMO.read_text())["artifacts"]
    bodies = [(a.get("content") or a).get("body") or "" for a in artifacts]
    assert bodies and any(bodies)
    for body in bodies:
        assert words(plain_text(body)) == words(rendered_and_stripped(body))


def test_generated_corpus_bodies_give_the_same_words() -> None:
    from tests.benchmarks import corpus

    gazetteer = corpus.gazetteer(7)
    writer = corpus.Writer(7, gazetteer, corpus.convenings_for(7, gazetteer))
    for _ in range(60):
        body = writer.artifact().content["body"]
        assert words(plain_text(body)) == words(rendered_and_stripped(body))
