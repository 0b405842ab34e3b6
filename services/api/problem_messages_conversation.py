"""The English templates of the problem details of the review conversation
(``domain/review.py``, ``domain/review_commands.py``) and of responses
(``domain/response.py``, ``domain/response_commands.py``), marked for the gettext
catalogue; ``problem_messages.DETAILS`` includes them, so they follow
Accept-Language like every other problem detail. A variable part keeps the quotes
the domain put around it."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for the catalogue (``pybabel extract -k N_``)."""
    return message


# What a role may do, filling ``%(action)s`` (``domain.policy.require_role``).
ACTIONS = (
    N_("return drafts with comments"),
    N_("answer review comments"),
    N_("read review comments"),
    N_("respond to artifacts"),
    N_("moderate responses"),
    N_("withdraw a response"),
)

DETAILS: tuple[str, ...] = (
    # The review conversation.
    N_("A comment or answer is at most %(limit)s characters; this one has %(count)s."),
    N_(
        "Only a draft waiting for review can be returned with comments; this one is not "
        "(it was not submitted, was changed since, or is already published or returned)."
    ),
    N_("Drafts have no field %(field)s to comment on."),
    N_("At most %(limit)s field comments at once."),
    N_("Write at least one comment (general or on a field) to return the draft."),
    N_("This draft was never returned with comments; there is nothing to answer."),
    N_("This draft has no comment %(id)s."),
    N_("Write an answer."),
    N_(
        "You read version %(expected)s, but the artifact is now at version %(current)s. "
        "Reload it and try again."
    ),
    # Responses.
    N_("No response %(id)s is visible to you."),
    N_("Write your response before sending it."),
    N_("Give a reason for declining the response; its author will see it."),
    N_(
        "Only a response waiting for moderation can be approved or declined; "
        "this one was already moderated."
    ),
    N_("Only its author may withdraw a response."),
    N_("This response was already withdrawn."),
    N_(
        "The artifact of this response is no longer published, so the response cannot be moderated."
    ),
)
