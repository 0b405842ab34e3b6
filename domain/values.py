"""Controlled values: artifact kinds, contributor roles, licences, visibility."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

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
    "translator",
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
SYNDICATIONS = ("adaptable", "shared", "none")
# How a person appears in an artifact: contributed to it, presented in it, is
# named in its text, is seen in its photos or video, is heard in its recordings.
PERSON_ROLES = ("contributor", "presenter", "named", "pictured", "recorded")
SHOWING_ROLES = ("pictured", "recorded")  # roles whose entry may name the media showing them

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


def require_derivatives(source: dict[str, Any], made: str) -> None:
    """Refuse ``made`` ("adaptations", "translations") of a source whose licence
    forbids derivative works."""
    licence = str(source.get("licence") or "")
    if not allows_derivatives(licence):
        raise InvalidInput(
            f"The source's licence ({LICENCES.get(licence, licence or 'none given')}) does "
            f"not allow {made}; ask its authors for permission instead.",
            field="source",
            licence=licence,
        )


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


def check_syndication(value: str) -> str:
    if value not in SYNDICATIONS:
        raise InvalidInput(
            f"Syndication must be one of {', '.join(SYNDICATIONS)}, not {value!r}.",
            field="syndication",
            allowed=list(SYNDICATIONS),
        )
    return value


def check_persons(persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{person_id, role}]``: each id a UUID, each role known, no pair twice.

    An entry for a ``pictured`` or ``recorded`` person may also carry ``media``:
    the ids of the artifact's media that show them (destroyed if they are erased).
    """
    checked: list[dict[str, Any]] = []
    for entry in persons:
        if not isinstance(entry, dict):
            raise InvalidInput("Each person is an object with person_id and role.", field="persons")
        role = entry.get("role")
        if role not in PERSON_ROLES:
            raise InvalidInput(
                f"Person role {role!r} is not one of: {', '.join(PERSON_ROLES)}.",
                field="persons",
                allowed=list(PERSON_ROLES),
            )
        try:
            person_id = str(UUID(str(entry.get("person_id"))))
        except ValueError:
            raise InvalidInput(
                f"Person id {entry.get('person_id')!r} is not a UUID.", field="persons"
            ) from None
        item: dict[str, Any] = {"person_id": person_id, "role": str(role)}
        if "media" in entry:
            item["media"] = _check_showing(entry["media"], str(role))
        if item not in checked:
            checked.append(item)
    return checked


def _check_showing(media: object, role: str) -> list[str]:
    if role not in SHOWING_ROLES:
        raise InvalidInput(
            f"Only a {' or '.join(SHOWING_ROLES)} person's entry names media.", field="persons"
        )
    if not isinstance(media, list):
        raise InvalidInput("A person's media is a list of media ids.", field="persons")
    found: list[str] = []
    for media_id in media:
        try:
            found.append(str(UUID(str(media_id))))
        except ValueError:
            raise InvalidInput(f"Media id {media_id!r} is not a UUID.", field="persons") from None
    return list(dict.fromkeys(found))


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


# -- text ------------------------------------------------------------------------

_SEPARATORS = {"\u2028": "\n", "\u2029": "\n\n"}
# C0 controls but tab, newline and carriage return; DEL and C1; surrogates; U+FFFE/U+FFFF.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def refused_character(value: str) -> str | None:
    """The first character text may not hold, or None.

    None of the refused characters can be written in XML (Atom, OAI-PMH), and
    none is typed on purpose.
    """
    found = _REFUSED.search(value)
    return found.group() if found else None


def clean_text(value: str, field: str) -> str:
    """Text as stored: line and paragraph separators become newlines; control
    characters, lone surrogates and non-characters are refused, naming the field."""
    refused = refused_character(value)
    if refused is not None:
        raise InvalidInput(
            f"The {field} contains the character U+{ord(refused):04X}, which is not "
            "text (a control character or an unpaired surrogate); remove it.",
            field=field,
            character=f"U+{ord(refused):04X}",
        )
    for separator, replacement in _SEPARATORS.items():
        value = value.replace(separator, replacement)
    return value


def clean_texts(value: object, field: str) -> object:
    """``clean_text`` applied to every string inside lists and mappings."""
    if isinstance(value, str):
        return clean_text(value, field)
    if isinstance(value, list):
        return [clean_texts(item, field) for item in value]
    if isinstance(value, dict):
        return {key: clean_texts(item, field) for key, item in value.items()}
    return value


def strip_refused(value: str) -> str:
    """``value`` without the characters ``clean_text`` refuses: for writing out text
    stored before they were refused (XML, bag metadata)."""
    return _REFUSED.sub("", value)


def one_line(value: str) -> str:
    """``strip_refused`` text on one line: every line break (as ``str.splitlines``
    knows them, U+2028 included) becomes a space."""
    return " ".join(strip_refused(value).splitlines())
