"""The Artifact aggregate: a story, presentation of learning or excursion synthesis.

An artifact keeps a working draft (``content``) and, separately, what was last
published (``published``). Revising never touches the published version;
publishing copies one specific revision's content into a ``Published`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.artifact_fields import (
    COMMON_FIELDS,
    DRAFT,
    KIND_FIELDS,
    LIST_FIELDS,
    PUBLISHED,
    WITHDRAWAL_CATEGORIES,
    WITHDRAWN,
    empty_content,
    missing_for_publication,
)
from domain.errors import Conflict, InvalidInput, NotFound, PublishRequirementsMissing
from domain.translations import LanguageVersion
from domain.values import clean_text

__all__ = [
    "COMMON_FIELDS",
    "DRAFT",
    "KIND_FIELDS",
    "LIST_FIELDS",
    "PUBLISHED",
    "WITHDRAWN",
    "Artifact",
    "empty_content",
    "missing_for_publication",
]


class Artifact(LanguageVersion):  # may be a translation (``domain.translations``)
    id: UUID
    # The review conversation's returns, each {"by", "comments"} (rules in ``domain.review``).
    returns: Sequence[dict[str, Any]] = ()  # a list once restored from a snapshot

    @event("Created")
    def __init__(
        self, kind: str, content: dict[str, Any], by: str, fingerprint: str | None = None
    ) -> None:
        self.kind = kind
        self.content = {**empty_content(), **content}
        self.created_by = by
        self.owners = [by]
        self.fingerprint = fingerprint
        self.revision = 1
        self.status = DRAFT
        self.submitted_version: int | None = None
        self.published: dict[str, Any] | None = None
        self.withdrawal: dict[str, Any] | None = None
        self.narrowing: dict[str, Any] | None = None
        self.publication_count = 0
        self.last_revised_version = 1
        self.first_published_at: datetime | None = None
        self.adapted_from: dict[str, Any] | None = None
        self.adaptations: list[dict[str, Any]] = []

    # -- commands: each checks the artifact's rules, then records one event -----

    def revise(self, changes: dict[str, Any], by: str, note: str = "") -> bool:
        """Record the fields that differ from the draft; returns whether anything changed."""
        effective = {k: v for k, v in changes.items() if self.content.get(k) != v}
        if effective:
            self._record_revision(changes=effective, by=by, note=note)
        return bool(effective)

    def submit(self, by: str, *, is_editor: bool = False) -> None:
        """Ask the editors to review the current revision."""
        if self.status == WITHDRAWN and not is_editor:
            raise Conflict("A withdrawn artifact can only be reinstated by an editor.")
        if self.in_review:
            raise Conflict("This revision is already waiting for review.")
        if not self.has_unpublished_changes:
            raise Conflict("Nothing to review: the current revision is already published.")
        self._record_submission(by=by)

    def check_version(self, version: int) -> None:
        """Raise unless ``version`` is one of this artifact's versions."""
        if not 1 <= version <= self.version:
            raise InvalidInput(
                f"Version {version} does not exist; versions run from 1 to {self.version}.",
                field="version",
            )

    def publish(
        self,
        source_version: int,
        content: dict[str, Any],
        by: str,
        at: datetime,
        note: str = "",
        also_missing: Sequence[str] = (),
    ) -> None:
        """Publish ``content`` (revision ``source_version``, with any licence or visibility
        chosen on publishing) if it meets every requirement and differs from what is out."""
        self.check_version(source_version)
        missing = [
            *missing_for_publication(self.kind, content, adapted=self.adapted_from is not None),
            *also_missing,
        ]
        if missing:
            raise PublishRequirementsMissing(
                "Before publishing, this artifact needs: " + "; ".join(missing) + ".",
                missing=missing,
            )
        if self.status == PUBLISHED and self.published and self.published["content"] == content:
            raise Conflict("This revision is already published exactly as it is.")
        self._record_publication(
            source_version=source_version, content=content, by=by, at=at, note=note
        )

    def withdraw(
        self, reason: str, by: str, at: datetime, category: str = "editorial", note: str = ""
    ) -> None:
        """Take a published artifact out of reading, saying why.

        ``reason`` is public; ``note`` is for editors only (which consent ended,
        which site withdrew the source) and never names anyone in public.
        """
        if self.status != PUBLISHED:
            raise Conflict(
                f"Only a published artifact can be withdrawn; this one is {self.status}."
            )
        if category not in WITHDRAWAL_CATEGORIES:
            raise InvalidInput(
                f"Unknown withdrawal category {category!r}.",
                field="category",
                allowed=list(WITHDRAWAL_CATEGORIES),
            )
        reason = clean_text(reason, "reason").strip()
        if not reason:
            raise InvalidInput("Give a reason for the withdrawal.", field="reason")
        note = clean_text(note, "note").strip()
        self._record_withdrawal(reason=reason, by=by, at=at, category=category, note=note)

    def narrow(self, visibility: str, syndication: str, reason: str, by: str, at: datetime) -> None:
        """Show the published artifact less widely (a consent it relies on narrowed)."""
        if self.status != PUBLISHED or self.published is None:
            raise Conflict(f"Only a published artifact can be narrowed; this one is {self.status}.")
        self._record_narrowing(
            visibility=visibility, syndication=syndication, reason=reason, by=by, at=at
        )

    # -- events --------------------------------------------------------------

    @event("Revised")
    def _record_revision(self, changes: dict[str, Any], by: str, note: str = "") -> None:
        self.content = {**self.content, **changes}
        self.revision += 1
        # While an event is applied, ``self.version`` is still the previous one.
        self.last_revised_version = self.version + 1

    @event("MediaAttached")
    def attach_media(self, media: dict[str, Any], by: str) -> None:
        self._set_media([*self.content.get("media", []), media])

    @event("MediaDetached")
    def detach_media(self, media_id: str, by: str) -> None:
        self._set_media([m for m in self.content.get("media", []) if m["id"] != media_id])

    @event("MediaDescribed")
    def describe_media(self, media_id: str, changes: dict[str, Any], by: str) -> None:
        self._set_media(
            [{**m, **changes} if m["id"] == media_id else m for m in self.content.get("media", [])]
        )

    def _set_media(self, media: list[dict[str, Any]]) -> None:
        self.content = {**self.content, "media": media}
        self.revision += 1
        self.last_revised_version = self.version + 1

    def media_item(self, media_id: str) -> dict[str, Any] | None:
        return next((m for m in self.content.get("media", []) if m["id"] == media_id), None)

    @event("AdaptedFrom")
    def record_source(self, source: dict[str, Any], by: str) -> None:
        """This artifact was made from another one (here or on another site)."""
        self.adapted_from = source

    def accept_report(self, report: dict[str, Any], by: str) -> bool:
        """Record a verified adaptation once; returns whether anything was recorded.

        Only an artifact published publicly takes reports: nothing is ever written to a
        draft, a members-only or a withdrawn artifact on the word of another document.
        A report whose adaptation or notice id is already recorded is not recorded again.
        """
        content = (self.published or {}).get("content") or {}
        if self.status != PUBLISHED or content.get("visibility") != "public":
            raise NotFound(f"No public artifact {self.id}.")
        notice_id = report.get("notice_id")
        if self.has_adaptation(report["url"]) or (
            notice_id and any(r.get("notice_id") == notice_id for r in self.adaptations)
        ):
            return False
        self.report_adaptation(report=report, by=by)
        return True

    @event("AdaptationReported")
    def report_adaptation(self, report: dict[str, Any], by: str) -> None:
        """A verified adaptation of this artifact (or of one of its adaptations) exists."""
        self.adaptations = [*self.adaptations, report]

    def has_adaptation(self, url: str) -> bool:
        return any(report["url"] == url for report in self.adaptations)

    @event("Submitted")
    def _record_submission(self, by: str) -> None:
        # Version of the aggregate once this event is applied.
        self.submitted_version = self.version + 1

    @event("Published")
    def _record_publication(
        self,
        source_version: int,
        content: dict[str, Any],
        by: str,
        at: datetime,
        note: str = "",
    ) -> None:
        self.publication_count += 1
        if self.first_published_at is None:
            self.first_published_at = at
        self.status = PUBLISHED
        self.withdrawal = None
        self.published = {
            "content": content,
            "source_version": source_version,
            "number": self.publication_count,
            "by": by,
            "at": at,
            "note": note,
        }

    @event("Withdrawn")
    def _record_withdrawal(
        self, reason: str, by: str, at: datetime, category: str = "editorial", note: str = ""
    ) -> None:
        self.status = WITHDRAWN
        self.withdrawal = {"reason": reason, "by": by, "at": at, "category": category, "note": note}

    @event("Narrowed")
    def _record_narrowing(
        self, visibility: str, syndication: str, reason: str, by: str, at: datetime
    ) -> None:
        """The published version (and the draft) now travel no further than this."""
        narrowed = {"visibility": visibility, "syndication": syndication}
        assert self.published is not None
        self.published = {**self.published, "content": {**self.published["content"], **narrowed}}
        self.content = {**self.content, **narrowed}
        self.narrowing = {"reason": reason, "by": by, "at": at}

    @event("Returned")
    def record_return(self, comments: list[dict[str, Any]], by: str) -> None:
        """Sent back to its contributors with comments: out of review, to revise."""
        self.submitted_version = None
        self.returns = (*self.returns, {"by": by, "comments": comments})

    @event("CommentAnswered")
    def record_answer(
        self, comment_id: str | None, text: str, by: str, returned_by: list[str]
    ) -> None:
        """An answer in the review conversation (read from the events by ``domain.review``)."""

    # -- queries -------------------------------------------------------------

    @property
    def in_review(self) -> bool:
        """Submitted and not changed since, and that revision not yet published."""
        if self.submitted_version is None:
            return False
        published_from = (self.published or {}).get("source_version", 0)
        return self.submitted_version > published_from and not self._revised_since(
            self.submitted_version
        )

    def _revised_since(self, version: int) -> bool:
        return self.last_revised_version > version

    def may_edit(self, principal_id: str | None, is_editor: bool) -> bool:
        return is_editor or (principal_id is not None and principal_id in self.owners)

    @property
    def has_unpublished_changes(self) -> bool:
        if self.published is None:
            return True
        return self.last_revised_version > int(self.published["source_version"])
