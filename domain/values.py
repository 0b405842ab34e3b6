"""Controlled values: artifact kinds, contributor roles, licences, visibility."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.errors import InvalidInput


@dataclass(frozen=True)
class KindSpec:
    """What is particular to one kind of artifact.

    ``fields`` are the kind-specific content fields it accepts;
    ``requires`` are fields that must be filled before publishing.
    Adding a kind (for example ``tool``) is one more entry in ``KINDS``.
    """

    label: str
    fields: frozenset[str] = field(default_factory=frozenset)
    requires: tuple[str, ...] = ()


KINDS: dict[str, KindSpec] = {
    "story": KindSpec("Story"),
    "presentation-of-learning": KindSpec(
        "Presentation of learning", frozenset({"presenters", "group", "evidence"})
    ),
    "excursion-synthesis": KindSpec(
        "Excursion synthesis", frozenset({"presentations"}), requires=("excursion",)
    ),
}

CONTRIBUTOR_ROLES = (
    "storyteller",
    "storytelling-partner",
    "presenter",
    "local-leader",
    "lead-learner",
    "adapter",
)

ALL_RIGHTS_RESERVED = "all-rights-reserved"
_CC = "https://creativecommons.org/licenses/{}/4.0/"
LICENCES: dict[str, str] = {
    _CC.format("by"): "CC BY 4.0",
    _CC.format("by-sa"): "CC BY-SA 4.0",
    _CC.format("by-nc"): "CC BY-NC 4.0",
    _CC.format("by-nc-sa"): "CC BY-NC-SA 4.0",
    _CC.format("by-nd"): "CC BY-ND 4.0",
    _CC.format("by-nc-nd"): "CC BY-NC-ND 4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    ALL_RIGHTS_RESERVED: "All rights reserved",
}

VISIBILITIES = ("public", "members")

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def normalise_licence(value: str) -> str:
    """Accept a licence URI with or without scheme variations; return its canonical form."""
    candidate = value.strip()
    if candidate == ALL_RIGHTS_RESERVED:
        return candidate
    candidate = candidate.replace("http://", "https://", 1)
    if not candidate.endswith("/"):
        candidate += "/"
    if candidate in LICENCES:
        return candidate
    raise InvalidInput(
        f"Unknown licence {value!r}. Use one of: {', '.join(LICENCES)}.",
        field="licence",
        allowed=list(LICENCES),
    )


def allows_derivatives(licence: str) -> bool:
    return licence != ALL_RIGHTS_RESERVED and "-nd" not in licence


def check_kind(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidInput(
            f"Unknown kind {kind!r}. Use one of: {', '.join(KINDS)}.",
            field="kind",
            allowed=list(KINDS),
        ) from None


def check_language(value: str) -> str:
    if not _LANG.match(value):
        raise InvalidInput(
            f"Language {value!r} is not a language tag such as 'en', 'es' or 'en-GB'.",
            field="language",
        )
    return value


def check_visibility(value: str) -> str:
    if value not in VISIBILITIES:
        raise InvalidInput(
            f"Visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}.",
            field="visibility",
        )
    return value


def check_slug(value: str, what: str) -> str:
    if not _SLUG.match(value) or len(value) > 80:
        raise InvalidInput(
            f"{what} {value!r} must be lower-case letters, digits and single hyphens (at most 80).",
            field=what.lower(),
        )
    return value


def check_contributors(contributors: list[dict[str, str]]) -> list[dict[str, str]]:
    for person in contributors:
        if person.get("role") not in CONTRIBUTOR_ROLES:
            raise InvalidInput(
                f"Contributor role {person.get('role')!r} is not one of: "
                f"{', '.join(CONTRIBUTOR_ROLES)}.",
                field="contributors",
                allowed=list(CONTRIBUTOR_ROLES),
            )
        if not str(person.get("name", "")).strip():
            raise InvalidInput("Every contributor needs a name.", field="contributors")
    return contributors
