"""Rendering artifact bodies: raw HTML off, output sanitised, only safe links kept."""

from __future__ import annotations

from infra.markdown import MarkdownRenderer

render = MarkdownRenderer().render


def test_raw_html_is_escaped_not_executed() -> None:
    html = render("Hello <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_and_data_links_are_dropped() -> None:
    html = render("[a](javascript:alert(1)) [b](data:text/html,hi) [c](vbscript:x)")
    assert "href" not in html


def test_http_https_mailto_and_relative_links_survive() -> None:
    html = render(
        "[a](https://example.org) [b](http://example.org) "
        "[c](mailto:x@example.org) [d](/api/v1/places)"
    )
    for href in (
        "https://example.org",
        "http://example.org",
        "mailto:x@example.org",
        "/api/v1/places",
    ):
        assert f'href="{href}"' in html


def test_tables_and_footnotes_are_on() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nA claim[^1].\n\n[^1]: The source.")
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="footnotes"' in html and "The source." in html
