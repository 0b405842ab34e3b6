"""Words the domain keeps in English (kinds, roles, a licence name), marked here for
the pages' catalogues; the pages translate them when they show them."""

from __future__ import annotations

from services.api.web.i18n import N_

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
