"""Markdown to safe HTML: markdown-it-py with raw HTML off, then sanitised by nh3.

markdown-it's default preset passes raw HTML through, so the parser is built
with ``html`` off, and the output is sanitised anyway (defence in depth):
only http, https and mailto links survive, plus relative ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from uuid import UUID

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "li": {"id"},
    "sup": {"id"},
    "th": {"style"},
    "td": {"style"},
    "section": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def media_url(reference: str) -> str | None:
    """``media:ID`` (an attached file) to the URL that serves it; None if malformed."""
    try:
        return f"/media/{UUID(reference.removeprefix('media:'))}"
    except ValueError:
        return None


def _walk(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_walk(token.children))
    return found


class MarkdownRenderer:
    """Renders an artifact body; ``![alt](media:ID)`` points at the attached media's URL."""

    def __init__(self, resolve: Callable[[str], str | None] = media_url) -> None:
        self.parser = (
            MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
            .enable("table")
            .enable("strikethrough")
            .use(footnote_plugin)
        )
        self.resolve = resolve
        # The same body is rendered again and again (every read): keep recent results.
        self.render = functools.lru_cache(maxsize=1024)(self._render)  # type: ignore[method-assign]

    def render(self, markdown: str) -> str:
        return self._render(markdown)

    def _render(self, markdown: str) -> str:
        tokens = self.parser.parse(markdown or "")
        self._resolve_media(tokens)
        html = self.parser.renderer.render(tokens, self.parser.options, {})
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            filter_style_properties={"text-align"},
        )

    def _resolve_media(self, tokens: list[Token]) -> None:
        for token in _walk(tokens):
            attribute = {"image": "src", "link_open": "href"}.get(token.type)
            value = str(token.attrGet(attribute) or "") if attribute else ""
            if attribute and value.startswith("media:"):
                token.attrSet(attribute, self.resolve(value) or "")


# -- plain text for the search index ---------------------------------------------

# The parser the search documents have always used (CommonMark and tables, raw HTML
# off): the words it yields are the ones a reader sees on the rendered page.
_PLAIN = MarkdownIt("commonmark", {"html": False}).enable("table")
_INLINE_TEXT = frozenset({"text", "text_special", "code_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
_LITERAL_BLOCKS = frozenset({"code_block", "fence"})


def plain_text(markdown: str) -> str:
    """The words of a Markdown body as a reader sees them, straight from the token stream.

    Text, inline code and code blocks are kept; markup, link targets and image
    descriptions (an ``alt`` attribute on the page) are not. Blocks and table cells
    end with a line break so that words never run together. It gives the text of
    rendering to HTML and stripping every tag, without rendering or sanitising.
    """
    parts: list[str] = []
    append = parts.append
    for token in _PLAIN.parse(markdown or ""):
        kind = token.type
        if kind == "inline":
            for child in token.children or ():
                if child.type in _INLINE_TEXT:
                    append(child.content)
                elif child.type in _BREAKS:
                    append("\n")
                # an image's description lives in its own children: not visible text
        elif kind in _LITERAL_BLOCKS:
            append(token.content)
        elif token.nesting == -1 or kind == "hr":
            append("\n")
    return "".join(parts).strip()
