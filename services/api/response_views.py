"""Responses as the API and the pages show them: the Markdown text rendered and
sanitised by the project's renderer, which here resolves no ``media:`` reference
(a response has no media of its own, so such a link or image is left empty)."""

from __future__ import annotations

from typing import Any

from infra.markdown import MarkdownRenderer

RENDERER = MarkdownRenderer(resolve=lambda _reference: None)


def shown(response: dict[str, Any]) -> dict[str, Any]:
    """The response with its text rendered as sanitised HTML (``html``)."""
    return {**response, "html": RENDERER.render(str(response.get("text") or ""))}


def jsonld_comments(responses: list[dict[str, Any]], page: str) -> list[dict[str, Any]]:
    """schema.org ``Comment``s for the JSON-LD of an artifact (syndicated responses)."""
    return [
        {
            "@type": "Comment",
            "@id": f"{page}#response-{r['id']}",
            "text": r["text"],
            "dateCreated": r["submitted_at"].isoformat(),
            "author": {"@type": "Person", "name": r["author_name"]},
        }
        for r in responses
    ]
