"""Checks and normalises artifact content against kinds, vocabularies and places."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.access import Principal
from domain.artifact import COMMON_FIELDS, LIST_FIELDS, Artifact
from domain.catalogue import Convening, Excursion, Framework, Place
from domain.catalogue_cache import CatalogueCache
from domain.errors import InvalidInput, NotFound, TooLarge
from domain.store import Store
from domain.values import (
    KINDS,
    check_contributors,
    check_language,
    check_persons,
    check_syndication,
    check_visibility,
    clean_texts,
    normalise_licence,
)

MAX_BODY_CHARS = 200_000
MAX_TEXT_CHARS = {"title": 300, "summary": 2_000, "group": 300, "adaptation_note": 5_000}
IDEMPOTENCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://commonplace.invalid/idempotency")


class ContentChecker:
    """Checks content against the kinds, the catalogue's records and stored artifacts."""

    def __init__(self, store: Store, records: CatalogueCache) -> None:
        self.store = store
        self.records = records

    def check(self, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        allowed = set(COMMON_FIELDS) | KINDS[kind].fields
        unknown = sorted(set(content) - allowed)
        if unknown:
            raise InvalidInput(
                f"A {kind} has no field(s) {', '.join(unknown)}. "
                f"Fields it accepts: {', '.join(sorted(allowed))}.",
                field=unknown[0],
            )
        checked = dict(content)
        for name, value in content.items():
            checked[name] = self._check_field(name, clean_texts(value, name))
        return checked

    def _check_field(self, name: str, value: Any) -> Any:
        if value is None:
            return [] if name in LIST_FIELDS else None
        checker = getattr(self, f"_check_{name}", None)
        return checker(value) if checker else value

    def _check_title(self, value: str) -> str:
        return self._text("title", value)

    def _check_summary(self, value: str) -> str:
        return self._text("summary", value)

    def _check_group(self, value: str) -> str:
        return self._text("group", value)

    def _check_adaptation_note(self, value: str) -> str:
        return self._text("adaptation_note", value)

    def _text(self, name: str, value: str) -> str:
        if len(value) > MAX_TEXT_CHARS[name]:
            raise InvalidInput(
                f"The {name} has {len(value)} characters; at most {MAX_TEXT_CHARS[name]} fit.",
                field=name,
            )
        return value.strip()

    def _check_body(self, value: str) -> str:
        if len(value) > MAX_BODY_CHARS:
            raise TooLarge(
                f"The body has {len(value)} characters; at most {MAX_BODY_CHARS} are accepted.",
                field="body",
            )
        return value

    def _check_contributors(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        return check_contributors([{"name": p["name"].strip(), "role": p["role"]} for p in value])

    def _check_persons(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        return check_persons(value)

    def _check_syndication(self, value: str) -> str:
        return check_syndication(value)

    def _check_language(self, value: str) -> str:
        return check_language(value)

    def _check_licence(self, value: str) -> str:
        return normalise_licence(value)

    def _check_visibility(self, value: str) -> str:
        return check_visibility(value)

    def _check_themes(self, value: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for theme in value:
            cleaned = " ".join(theme.split())
            if cleaned:
                seen.setdefault(cleaned, None)
        return list(seen)

    def _check_date(self, value: str) -> str:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InvalidInput(
                f"Date {value!r} is not a calendar date like 2023-02-16.", field="date"
            ) from None

    def _check_first_published(self, value: str) -> str:
        """When imported work was first published elsewhere: a past calendar date.

        This archive's own record of publishing it stays in its history."""
        try:
            found = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(
                f"First published {value!r} is not a calendar date like 2017-07-12.",
                field="first_published",
            ) from None
        if found > datetime.now(UTC).date():
            raise InvalidInput(
                f"First published {value!r} is in the future; give the date the work "
                "first appeared, or leave it out for work first published here.",
                field="first_published",
            )
        return found.isoformat()

    def _check_terms(self, value: list[str]) -> list[str]:
        frameworks = self._frameworks()
        for term in value:
            framework_id, _, term_id = term.partition(":")
            framework = frameworks.get(framework_id)
            if framework is None:
                raise InvalidInput(
                    f"Unknown framework in term {term!r}. Terms are written "
                    f"FRAMEWORK:TERM; frameworks: {', '.join(sorted(frameworks))}.",
                    field="terms",
                    allowed_frameworks=sorted(frameworks),
                )
            if term_id not in framework.term_ids():
                raise InvalidInput(
                    f"Unknown term {term!r}. Valid terms of {framework_id}: "
                    + ", ".join(f"{framework_id}:{t}" for t in framework.term_ids()),
                    field="terms",
                    allowed=[f"{framework_id}:{t}" for t in framework.term_ids()],
                )
        return list(dict.fromkeys(value))

    def _check_stage(self, value: str) -> str:
        framework_id, _, stage_id = value.partition(":")
        framework = self._frameworks().get(framework_id)
        valid = [f"{framework_id}:{s}" for s in framework.stage_ids()] if framework else []
        if stage_id not in (framework.stage_ids() if framework else []):
            all_stages = valid or [
                f"{f.slug}:{s}" for f in self._frameworks().values() for s in f.stage_ids()
            ]
            raise InvalidInput(
                f"Unknown stage {value!r}. Valid stages: {', '.join(all_stages)}.",
                field="stage",
                allowed=all_stages,
            )
        return value

    def _check_place(self, value: str) -> str:
        return self._exists(Place, "places", value, "place")

    def _check_convening(self, value: str) -> str:
        return self._exists(Convening, "convenings", value, "convening")

    def _check_excursion(self, value: str) -> str:
        return self._exists(Excursion, "excursions", value, "excursion")

    def _check_presentations(self, value: list[str]) -> list[str]:
        for artifact_id in value:
            try:
                found = self.store.load(Artifact, UUID(artifact_id))
            except (ValueError, NotFound):
                found = None
            if found is None or found.kind != "presentation-of-learning":
                raise InvalidInput(
                    f"{artifact_id!r} is not the id of a presentation of learning.",
                    field="presentations",
                )
        return list(dict.fromkeys(value))

    def _exists(self, cls: type[Any], namespace: str, slug: str, what: str) -> str:
        if self.records.get(cls, namespace, slug) is None:
            raise InvalidInput(
                f"Unknown {what} {slug!r}; list them at /api/v1/{namespace}.", field=what
            )
        return slug

    def _frameworks(self) -> dict[str, Framework]:
        return {f.slug: f for f in self.records.of(Framework)}

    def unpublishable(self, content: dict[str, Any]) -> list[str]:
        """Requirements beyond the kind's own (extended as features arrive)."""
        return []

    @staticmethod
    def idempotency(
        principal: Principal, key: str, kind: str, content: dict[str, Any]
    ) -> tuple[UUID, str]:
        """The artifact id a key maps to for this caller, and a fingerprint of the request."""
        artifact_id = uuid5(IDEMPOTENCY_NAMESPACE, f"{principal.id}\n{key}")
        canonical = json.dumps({"kind": kind, "content": content}, sort_keys=True, default=str)
        return artifact_id, hashlib.sha256(canonical.encode()).hexdigest()
