"""The fields an artifact's content has, their defaults, and what publishing needs.

``persons`` lists the people an artifact names or shows, by the id of their
Person record (``domain/people.py``) and a role; their consents decide how far
the artifact may travel. ``syndication`` says how far a public artifact goes
beyond this site's pages: ``adaptable`` (feeds, OAI-PMH and packages, and other
sites may adapt it; the default, as before the field existed), ``shared``
(feeds, OAI-PMH and packages, not to be adapted) or ``none`` (this site only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from domain.values import KINDS

COMMON_FIELDS = (
    "title",
    "summary",
    "body",
    "contributors",
    "terms",
    "stage",
    "place",
    "convening",
    "excursion",
    "date",
    "first_published",  # when imported work first appeared elsewhere (YYYY-MM-DD), if it did
    "language",
    "licence",
    "visibility",
    "themes",
    "adaptation_note",
    "persons",
    "syndication",
)
KIND_FIELDS = ("presenters", "group", "evidence", "presentations")
LIST_FIELDS = frozenset(
    {"contributors", "terms", "themes", "presenters", "evidence", "presentations", "persons"}
)

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
# Why an artifact was withdrawn: by an editor's decision, because a consent it
# relied on ended, or because the work it adapts was withdrawn at its source
# (held until an editor has reviewed it).
EDITORIAL, CONSENT, SOURCE_WITHDRAWN = "editorial", "consent", "source-withdrawn"
WITHDRAWAL_CATEGORIES = (EDITORIAL, CONSENT, SOURCE_WITHDRAWN)


def empty_content() -> dict[str, Any]:
    content: dict[str, Any] = {name: None for name in COMMON_FIELDS + KIND_FIELDS}
    for name in LIST_FIELDS:
        content[name] = []
    content["language"] = "en"
    content["visibility"] = "public"
    content["syndication"] = "adaptable"
    content["media"] = []  # changed only by the media commands, never by a revision
    return content


def missing_for_publication(
    kind: str, content: dict[str, Any], *, adapted: bool = False
) -> list[str]:
    """Every requirement not yet met, in a person's words, all at once."""
    missing = []
    if not (content.get("title") or "").strip():
        missing.append("a title")
    if not (content.get("body") or "").strip():
        missing.append("a body")
    if not any(term.startswith("principles:") for term in content.get("terms") or []):
        missing.append("at least one principle of practice")
    if not content.get("place"):
        missing.append("a place")
    if not content.get("licence"):
        missing.append("a licence")
    for name in KINDS[kind].requires:
        if not content.get(name):
            missing.append(f"its {name}")
    if adapted and not (content.get("adaptation_note") or "").strip():
        missing.append("a note of what was changed for the new place")
    for media in content.get("media") or []:
        if media.get("kind") == "image" and not (media.get("alt") or "").strip():
            missing.append(f"alt text for the image {media.get('filename')!r}")
    attached = {str(media.get("id")) for media in content.get("media") or []}
    for reference in media_references(content.get("body") or ""):
        if reference not in attached:
            missing.append(f"the file media:{reference} that the text shows, which is not attached")
    return missing


# ``![alt](media:ID)`` or ``[text](media:ID "title")``: the link destination only.
_MEDIA_REFERENCE = re.compile(r"\]\(\s*<?media:([^\s)>]*)")


def syndication_of(content: Mapping[str, Any]) -> str:
    """How far a public artifact travels; content saved without a choice is adaptable."""
    return str(content.get("syndication") or "adaptable")


def adaptable(content: Mapping[str, Any]) -> bool:
    """Whether other sites may adapt the content: public, and syndicated as adaptable."""
    return content.get("visibility") == "public" and syndication_of(content) == "adaptable"


def media_references(body: str) -> list[str]:
    """The media ids the text points at, in order, each once."""
    return list(dict.fromkeys(_MEDIA_REFERENCE.findall(body)))
