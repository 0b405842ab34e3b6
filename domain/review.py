"""The review conversation: an editor returns a submitted draft with comments, and
its contributors (or editors) answer them.

The rules are here, as functions over an ``Artifact``; the aggregate records the
two events, ``Artifact.Returned`` (the comments: one general, and one per named
field) and ``Artifact.CommentAnswered`` (an answer to one comment, or to the
conversation in general). Returning takes the draft out of review, so its
contributors can revise it and submit it again.

The conversation is part of the artifact's history and is shown only to those who
may see its draft (its contributors and the editors): no public view, the search
index, the feeds, OAI-PMH, JSON-LD or packages read these events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.artifact import Artifact, empty_content
from domain.errors import Conflict, InvalidInput
from domain.values import clean_text

RETURNED = "Returned"
ANSWERED = "CommentAnswered"
EVENTS = frozenset({RETURNED, ANSWERED})
MAX_TEXT = 5000  # characters in one comment or answer
MAX_FIELD_COMMENTS = 40
GENERAL = "general"  # the field name of a general comment in a form


def commentable_fields() -> tuple[str, ...]:
    """The fields an editor may comment on: every field of a draft's content."""
    return tuple(empty_content())


def _text(value: str, field: str) -> str:
    text = clean_text(value or "", field).strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"A comment or answer is at most {MAX_TEXT} characters; this one has {len(text)}.",
            field=field,
        )
    return text


def comments_for_return(
    artifact: Artifact, general: str, fields: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The comments of a new return, each with an id unique in the artifact's conversation.

    Refused (409) unless the draft is waiting for review, and (422) without any
    comment, with more than ``MAX_FIELD_COMMENTS``, or on a field drafts do not have.
    """
    if not artifact.in_review:
        raise Conflict(
            "Only a draft waiting for review can be returned with comments; this one is not "
            "(it was not submitted, was changed since, or is already published or returned)."
        )
    allowed = commentable_fields()
    unknown = sorted(name for name in fields if name not in allowed)
    if unknown:
        raise InvalidInput(
            f"Drafts have no field {unknown[0]!r} to comment on.",
            field=unknown[0],
            allowed=list(allowed),
        )
    if len(fields) > MAX_FIELD_COMMENTS:
        raise InvalidInput(f"At most {MAX_FIELD_COMMENTS} field comments at once.")
    round_number = len(artifact.returns) + 1
    found: list[dict[str, Any]] = []
    general_text = _text(general, "general")
    if general_text:
        found.append({"id": f"r{round_number}-general", "field": None, "text": general_text})
    for name in allowed:  # in the order of the form, whatever order they came in
        text = _text(fields.get(name, ""), name)
        if text:
            found.append({"id": f"r{round_number}-{name}", "field": name, "text": text})
    if not found:
        raise InvalidInput(
            "Write at least one comment (general or on a field) to return the draft.",
            field="general",
        )
    return found


def return_draft(artifact: Artifact, general: str, fields: Mapping[str, str], by: str) -> None:
    """Return the draft in review to its contributors with comments."""
    artifact.record_return(comments=comments_for_return(artifact, general, fields), by=by)


def comment_ids(artifact: Artifact) -> set[str]:
    return {comment["id"] for round_ in artifact.returns for comment in round_["comments"]}


def returners(artifact: Artifact) -> list[str]:
    """The editors who returned the draft, each once, in the order they first did."""
    return list(dict.fromkeys(round_["by"] for round_ in artifact.returns))


def answer(artifact: Artifact, text: str, by: str, comment_id: str | None = None) -> None:
    """Answer one returned comment (``comment_id``), or the conversation in general.

    Refused (409) when the draft was never returned, (422) for an unknown comment or
    an empty answer.
    """
    if not artifact.returns:
        raise Conflict("This draft was never returned with comments; there is nothing to answer.")
    if comment_id is not None and comment_id not in comment_ids(artifact):
        raise InvalidInput(f"This draft has no comment {comment_id!r}.", field="comment_id")
    checked = _text(text, "text")
    if not checked:
        raise InvalidInput("Write an answer.", field="text")
    artifact.record_answer(
        comment_id=comment_id, text=checked, by=by, returned_by=returners(artifact)
    )


def conversation(events: Iterable[Any]) -> list[dict[str, Any]]:
    """The conversation from an artifact's events: one entry per return, oldest first.

    Each return has its comments, each with the answers to it, and the general
    answers given after it (before the next return).
    """
    rounds: list[dict[str, Any]] = []
    for domain_event in events:
        name = type(domain_event).__name__
        if name == RETURNED:
            rounds.append(
                {
                    "version": domain_event.originator_version,
                    "by": domain_event.by,
                    "at": domain_event.timestamp,
                    "comments": [{**c, "answers": []} for c in domain_event.comments],
                    "answers": [],
                }
            )
        elif name == ANSWERED and rounds:
            entry = {
                "version": domain_event.originator_version,
                "by": domain_event.by,
                "at": domain_event.timestamp,
                "comment_id": domain_event.comment_id,
                "text": domain_event.text,
            }
            _place_answer(rounds, entry)
    return rounds


def _place_answer(rounds: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    for round_ in rounds:
        for comment in round_["comments"]:
            if comment["id"] == entry["comment_id"]:
                comment["answers"].append(entry)
                return
    rounds[-1]["answers"].append(entry)
