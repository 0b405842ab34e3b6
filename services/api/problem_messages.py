"""The API's problem titles and the English wording of its common problem details,
marked for the gettext catalogue (``babel.cfg`` extracts this file).

A detail template is the domain's English sentence with its variable parts written
``%(name)s``; ``services/api/problem_text.py`` recognises a message by its template
and gives the catalogue's translation with the same parts. A variable part keeps the
quotes the domain put around it. More specific templates come before general ones.
"""

from __future__ import annotations

from services.api import problem_messages_conversation as conversation


def N_(message: str) -> str:
    """Marks a message for the catalogue (``pybabel extract -k N_``)."""
    return message


# Every title a problem document can carry, by the status it comes with.
TITLES: dict[int, tuple[str, ...]] = {
    400: (
        N_("Bad request"),
        N_("Malformed JSON"),
        N_("Invalid search"),
        N_("Request failed"),
        N_("Cannot verify yet"),
    ),
    401: (N_("Sign-in required"),),
    403: (N_("Forbidden"), N_("Form not accepted"), N_("Signature not accepted")),
    404: (N_("Not found"),),
    405: (N_("Method not allowed"),),
    409: (
        N_("Conflict"),
        N_("Concurrent change"),
        N_("Person erased"),
        N_("Upload offset mismatch"),
    ),
    410: (N_("Withdrawn"),),
    412: (N_("Version conflict"),),
    413: (N_("Too large"),),
    422: (
        N_("Invalid input"),
        N_("Invalid request"),
        N_("Not ready to publish"),
        N_("Could not fetch"),
        N_("Address refused"),
    ),
    428: (N_("Precondition required"),),
    429: (N_("Too many requests"), N_("Too many notices waiting")),
    500: (N_("Internal error"),),
    503: (
        N_("Service unavailable"),
        N_("Search unavailable"),
        N_("Storage unavailable"),
        N_("Busy"),
        N_("Too many notices waiting"),
    ),
    504: (N_("Not yet indexed"),),
}
DEFAULT_TITLE = N_("Request cannot be carried out")

# Words the API puts inside a detail, translated when they fill a ``%(what)s`` or a
# ``%(status)s`` (the rate limits' kinds of request; an artifact's status).
WORDS = (
    N_("failed sign-ins or unknown tokens"),
    N_("changes"),
    N_("searches"),
    N_("requests that fetch from other sites"),
    N_("draft"),
    N_("published"),
    N_("withdrawn"),
)
# What a role may do (``domain.policy.require_role``), and the roles, which fill an
# ``%(action)s``, a ``%(role)s`` and a ``%(needed)s``; the roles' words are the pages'.
ACTIONS = (
    N_("adapt artifacts"),
    N_("change artifacts"),
    N_("create artifacts"),
    N_("issue tokens"),
    N_("manage consents"),
    N_("manage frameworks"),
    N_("manage places"),
    N_("manage convenings"),
    N_("manage excursions"),
    N_("publish artifacts"),
    N_("read an inbox"),
    N_("read consents"),
    N_("read persons"),
    N_("record persons"),
    N_("retry notices"),
    N_("revoke tokens"),
    N_("see an artifact's notices"),
    N_("see the outbox"),
    N_("withdraw artifacts"),
    N_("write drafts"),
)
TRANSLATED_PARAMS = frozenset({"what", "status", "action", "role", "needed"})

PUBLISH_REQUIREMENTS = N_("Before publishing, this artifact needs: %(missing)s.")

DETAILS: tuple[str, ...] = (
    # 400
    N_("The request body is not valid JSON."),
    N_("If-Match %(value)s is not an ETag this API gave out."),
    N_("%(value)s is not a cursor this feed gave out."),
    N_("The body's id %(id)s differs from the URL's %(url_id)s."),
    N_("Method Not Allowed"),  # Starlette's 405
    # 401
    N_("Send the token as 'Authorization: Bearer <token>'."),
    N_("This token is not valid (unknown or revoked)."),
    N_("This artifact is visible to members; sign in with a member token."),
    N_("Sign in with a token to %(action)s."),
    # 403
    N_("Only this artifact's contributors and editors may change it."),
    N_("Only contributors and editors may read the working draft."),
    N_("Only contributors and editors may compare draft versions."),
    N_("Only editors and the partner who recorded this person may change it."),
    N_("Your role (%(role)s) may not %(action)s; it needs %(needed)s or above."),
    # 404
    N_("There is nothing at %(path)s."),
    N_("No artifact %(id)s is visible to you."),
    N_("No public artifact %(id)s."),
    N_("No consent %(id)s is visible to you."),
    N_("No media %(id)s on this artifact."),
    N_("No upload %(id)s of yours."),
    N_("No notice %(id)s in the outbox."),
    N_("No term %(term)s in %(framework)s."),
    N_("There is no framework called %(name)s."),
    N_("Version %(version)s does not exist; versions run from 1 to %(last)s."),
    N_("The artifact did not exist yet at %(when)s."),
    N_("Nothing was published as of version %(version)s."),
    # 409
    N_(
        "Someone else changed this at the same moment; nothing of yours was recorded. "
        "Reload and try again."
    ),
    N_("A withdrawn artifact can only be reinstated by an editor."),
    N_("This revision is already waiting for review."),
    N_("Nothing to review: the current revision is already published."),
    N_("This revision is already published exactly as it is."),
    N_("Only a published artifact can be withdrawn; this one is %(status)s."),
    N_("Only a published artifact can be narrowed; this one is %(status)s."),
    N_(
        "This Idempotency-Key was already used for a different request; "
        "use a new key for a new artifact."
    ),
    N_("This upload was already completed; its media is attached."),
    N_("This consent was already withdrawn."),
    # 410
    N_("This artifact was withdrawn: %(reason)s"),
    # 412
    N_(
        "You edited version %(expected)s, but the artifact is now at version %(current)s. "
        "Reload it, reapply your change and try again."
    ),
    N_(
        "You edited version %(expected)s of this person, but it is now at version "
        "%(current)s. Reload it, reapply your change and try again."
    ),
    N_(
        "You edited version %(expected)s of %(slug)s, but it is now at version %(current)s. "
        "Reload it, reapply your change and try again."
    ),
    # 413
    N_("The request body is over the limit of %(limit)s bytes."),
    N_("The body has %(count)s characters; at most %(limit)s are accepted."),
    N_("Files of this type may be at most %(limit)s bytes; this one is %(size)s."),
    N_("More than the declared %(limit)s bytes were sent."),
    N_("More bytes were sent than were declared."),
    # 422
    N_("Unknown licence %(value)s. Use one of: %(allowed)s."),
    N_("Unknown kind %(value)s. Use one of: %(allowed)s."),
    N_("Unknown kind %(value)s; use one of: %(allowed)s."),
    N_("Language %(value)s is not a language tag such as 'en', 'es' or 'en-GB'."),
    N_("Visibility must be one of %(allowed)s, not %(value)s."),
    N_("Syndication must be one of %(allowed)s, not %(value)s."),
    N_("Every contributor needs a name."),
    N_("Unknown place %(slug)s; see /api/v1/places."),
    N_(
        "Unknown framework term %(term)s. Write FRAMEWORK:TERM, for example "
        "principles:lead-with-learning; see /api/v1/frameworks."
    ),
    N_(
        "Unknown framework in term %(term)s. Terms are written FRAMEWORK:TERM; "
        "frameworks: %(allowed)s."
    ),
    N_("Unknown term %(term)s. Valid terms of %(framework)s: %(allowed)s"),
    N_("Unknown stage %(value)s. Valid stages: %(allowed)s."),
    N_("Date %(value)s is not a calendar date like 2023-02-16."),
    N_("A %(kind)s has no field(s) %(fields)s. Fields it accepts: %(allowed)s."),
    N_("The %(field)s has %(count)s characters; at most %(limit)s fit."),
    N_(
        "The %(field)s contains the character U+%(code)s, which is not text "
        "(a control character or an unpaired surrogate); remove it."
    ),
    N_("sort must be relevance, newest or distance."),
    N_("Sorting by distance needs near=LAT,LNG."),
    N_("radius_km needs near=LAT,LNG."),
    N_("near must be LAT,LNG in decimal degrees (for example 32.22,-110.97), not %(value)s."),
    N_("near is outside the range of latitudes and longitudes."),
    N_("Give a reason for the withdrawal."),
    N_("Give alt, caption or both."),
    N_("The file is empty (0 bytes)."),
    N_(
        "Files of type %(type)s are not accepted. Allowed: %(allowed)s. "
        "SVG, HTML and executables are never accepted."
    ),
    N_("A place needs a name."),
    N_("Coordinates are out of range."),
    N_("A convening cannot end before it starts."),
    N_(
        "The source's licence (%(licence)s) does not allow adaptations; "
        "ask its authors for permission instead."
    ),
    # 428
    N_(
        "Send If-Match with the ETag of the version you edited, so that "
        "nobody's change is overwritten."
    ),
    # 429
    N_(
        "This client has made too many %(what)s (the limit is %(limit)s a minute); "
        "try again in %(seconds)s s."
    ),
    # 500, 503, 504
    N_("Something went wrong on our side; it has been logged."),
    N_("Search is unavailable right now; try again shortly."),
    N_("Media storage cannot be reached right now; nothing was recorded. Try again shortly."),
    N_(
        "The archive's storage is unavailable right now (%(why)s); nothing was recorded. "
        "Try again shortly."
    ),
    N_("%(count)s fetches of other sites are already running; try again shortly."),
    N_(
        "The search index has reached position %(position)s, not yet %(after)s; "
        "the indexer may be behind or stopped. Try again shortly."
    ),
)

# The review conversation's and the responses' details are kept in their own module.
DETAILS += conversation.DETAILS

# The messages of request validation, by the validator's error ``type`` (the type
# stays in the problem's ``errors`` as the machine-readable code).
VALIDATION: dict[str, str] = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not accepted here."),
    "string_type": N_("Give text here."),
    "int_type": N_("Give a whole number here."),
    "int_parsing": N_("Give a whole number here."),
    "int_from_float": N_("Give a whole number here."),
    "float_type": N_("Give a number here."),
    "float_parsing": N_("Give a number here."),
    "bool_type": N_("Give true or false here."),
    "bool_parsing": N_("Give true or false here."),
    "list_type": N_("Give a list here."),
    "dict_type": N_("Give an object here."),
    "model_type": N_("Give an object here."),
    "model_attributes_type": N_("Give an object here."),
    "uuid_type": N_("Give an id (a UUID) here."),
    "uuid_parsing": N_("Give an id (a UUID) here."),
    "date_type": N_("Give a date (YYYY-MM-DD) here."),
    "date_parsing": N_("Give a date (YYYY-MM-DD) here."),
    "date_from_datetime_parsing": N_("Give a date (YYYY-MM-DD) here."),
    "datetime_type": N_("Give a date and time here."),
    "datetime_parsing": N_("Give a date and time here."),
    "datetime_from_date_parsing": N_("Give a date and time here."),
    "url_parsing": N_("Give a web address here."),
    "url_scheme": N_("Give a web address here."),
    "enum": N_("Use one of: %(expected)s."),
    "literal_error": N_("Use one of: %(expected)s."),
    "string_too_short": N_("Give at least %(min_length)s characters."),
    "string_too_long": N_("Give at most %(max_length)s characters."),
    "too_short": N_("Give at least %(min_length)s items."),
    "too_long": N_("Give at most %(max_length)s items."),
    "greater_than": N_("Give a number greater than %(gt)s."),
    "greater_than_equal": N_("Give a number of at least %(ge)s."),
    "less_than": N_("Give a number less than %(lt)s."),
    "less_than_equal": N_("Give a number of at most %(le)s."),
    "string_pattern_mismatch": N_("This value does not have the expected form."),
}
