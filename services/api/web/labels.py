"""Words the domain keeps in English (kinds, roles, a licence name), marked here for
the pages' catalogues; the pages translate them when they show them."""

from __future__ import annotations

import re

from services.api.web.i18n import N_, gettext

KIND_LABELS = {
    "story": N_("Story"),
    "presentation-of-learning": N_("Presentation of learning"),
    "excursion-synthesis": N_("Excursion synthesis"),
}
ROLE_LABELS = {
    "storyteller": N_("Storyteller"),
    "storytelling-partner": N_("Storytelling partner"),
    "presenter": N_("Presenter"),
    "local-leader": N_("Local leader"),
    "lead-learner": N_("Lead learner"),
    "adapter": N_("Adapter"),
    "translator": N_("Translator"),
    "facilitator": N_("Facilitator"),
    "host": N_("Host"),
}
LICENCE_NAMES = {"all-rights-reserved": N_("All rights reserved")}
NO_LICENCE = N_("No licence chosen")
# The roles of people who sign in, as the header shows them.
ROLE_NAMES = (N_("member"), N_("partner"), N_("editor"), N_("admin"))
# The sign-in page's error (the page passes it through the catalogue).
SIGNIN_ERROR = N_(
    "That token was not recognised. Check that you copied all of it; "
    "a revoked token no longer works."
)
# Kinds of place, as the gazetteer names them.
PLACE_KIND_NAMES = (
    N_("country"),
    N_("region"),
    N_("city"),
    N_("district"),
    N_("trust"),
    N_("school"),
    N_("organisation"),
)

# The publish checklist's lines, as the domain writes them (domain/artifact.py and
# domain/consent_rules.py): fixed lines, then lines with a name or a scope in them.
CHECKLIST_LINES = (
    N_("a title"),
    N_("a body"),
    N_("at least one principle of practice"),
    N_("a place"),
    N_("a licence"),
    N_("a note of what was changed for the new place"),
    N_("to take out a person who asked to be removed, or withdraw their part"),
)
CONSENT_SCOPES = (
    N_("members only"),
    N_("the public web"),
    N_("sharing with other sites"),
    N_("adaptation by other sites"),
)
FIELD_NAMES = {"excursion": N_("its excursion")}
CHECKLIST_PATTERNS = (
    (re.compile(r"alt text for the image (?P<file>.+)"), N_("alt text for the image %(file)s")),
    (
        re.compile(r"the file (?P<file>.+) that the text shows, which is not attached"),
        N_("the file %(file)s that the text shows, which is not attached"),
    ),
    (
        re.compile(r"consent from the guardian of (?P<name>.+) for (?P<scope>.+)"),
        N_("consent from the guardian of %(name)s for %(scope)s"),
    ),
    (
        re.compile(r"consent from (?P<name>.+) for (?P<scope>.+) \(theirs is for (?P<has>.+)\)"),
        N_("consent from %(name)s for %(scope)s (theirs is for %(has)s)"),
    ),
    (
        re.compile(r"consent from (?P<name>.+) for (?P<scope>.+)"),
        N_("consent from %(name)s for %(scope)s"),
    ),
)


def checklist_line(line: str) -> str:
    """One line of the publish checklist in the page's language."""
    if line in CHECKLIST_LINES:
        return gettext(line)
    if line.startswith("its ") and line in {f"its {f}" for f in FIELD_NAMES}:
        return gettext(FIELD_NAMES[line[4:]])
    for pattern, message in CHECKLIST_PATTERNS:
        found = pattern.fullmatch(line)
        if found:
            parts = {
                k: gettext(v) if k in ("scope", "has") else v for k, v in found.groupdict().items()
            }
            return gettext(message) % parts
    return line


# An artifact's status, as the editor's header shows it.
STATUS_NAMES = (N_("draft"), N_("published"), N_("withdrawn"))
