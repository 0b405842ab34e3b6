"""The artifact list's read model: one small summary per artifact, in creation order.

A page of ``archive.reading.list_artifacts`` should not load every artifact to find
the few it shows. So each process keeps a summary of every artifact (who owns it, its
status, whether it waits for review, and the kind, place, terms and visibility that
the list filters on), and loads only the artifacts that a page shows.

The summaries follow the notification log, like the catalogue cache: before each
listing, one query reads the artifact events recorded since the last look (by any
process) and re-summarises only the artifacts they touched. So a draft created or
submitted a moment ago is on the drafts list and in the review queue at once. The
summary only chooses candidates: each listed artifact is loaded and checked again
by the same rule, so a summary can never show what its artifact would not.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.access import Principal
from domain.artifact import PUBLISHED, Artifact
from domain.catalogue import event_topic
from domain.store import Store, pages_since

ARTIFACT_CREATED = event_topic(Artifact, "Created")
ARTIFACT_TOPICS = [
    event_topic(Artifact, name)
    for name in (
        "Created",
        "Revised",
        "MediaAttached",
        "MediaDetached",
        "MediaDescribed",
        "AdaptedFrom",
        "AdaptationReported",
        "Submitted",
        "Published",
        "Withdrawn",
        "Returned",  # takes a draft out of review (domain/review.py)
    )
]
BATCH = 1000


@dataclass(frozen=True)
class Facets:
    """What the list filters on, as one view of the artifact shows it."""

    place: str | None
    terms: tuple[str, ...]

    @classmethod
    def of(cls, content: dict[str, Any]) -> Facets:
        return cls(content.get("place"), tuple(content.get("terms") or ()))


@dataclass(frozen=True)
class Summary:
    id: UUID
    kind: str
    status: str
    owners: tuple[str, ...]
    in_review: bool
    draft: Facets
    published: Facets | None
    public: bool  # the published version is public

    @classmethod
    def of(cls, artifact: Artifact) -> Summary:
        published = artifact.published["content"] if artifact.published else None
        return cls(
            id=artifact.id,
            kind=artifact.kind,
            status=artifact.status,
            owners=tuple(artifact.owners),
            in_review=artifact.in_review,
            draft=Facets.of(artifact.content),
            published=Facets.of(published) if published is not None else None,
            public=bool(published and published.get("visibility") == "public"),
        )

    def shown(self, principal: Principal, *, mine: bool, in_review: bool) -> Facets | None:
        """The facets of the view the list would show this principal, if any.

        The rule is ``version_listed``, as for ``artifact_queries.listed``."""
        reads_published = self.public or principal.is_member
        shows = version_listed(
            principal,
            self.owners,
            self.status,
            self.in_review,
            reads_published,
            mine=mine,
            in_review=in_review,
        )
        if shows is None:
            return None
        return self.draft if shows == "draft" else self.published

    def matches(
        self,
        facets: Facets,
        kind: str | None,
        status: str | None,
        place: str | None,
        term: str | None,
    ) -> bool:
        return matches(self.kind, self.status, facets, kind, status, place, term)


def version_listed(
    principal: Principal,
    owners: Collection[str],
    status: str,
    awaiting_review: bool,
    reads_published: bool,
    *,
    mine: bool,
    in_review: bool,
) -> Literal["draft", "published"] | None:
    """Which version of an artifact a list shows ``principal``, if any: its owners and
    editors see the draft until it is published (or when they ask for their own), the
    review queue shows editors the drafts awaiting review, and anyone who may read the
    published version sees that."""
    if mine and principal.id not in owners:
        return None
    if in_review:
        return "draft" if principal.is_editor and awaiting_review else None
    sees_draft = principal.is_editor or principal.id in owners
    if sees_draft and (mine or status != PUBLISHED):
        return "draft"
    if status == PUBLISHED and reads_published:
        return "published"
    return None


def matches(
    kind: str,
    status: str,
    facets: Facets,
    wanted_kind: str | None,
    wanted_status: str | None,
    wanted_place: str | None,
    wanted_term: str | None,
) -> bool:
    """Whether an artifact of this kind, status and facets passes a list's filters
    (a filter left as ``None`` passes everything)."""
    return (
        wanted_kind in (None, kind)
        and wanted_status in (None, status)
        and wanted_place in (None, facets.place)
        and (wanted_term is None or wanted_term in facets.terms)
    )


class ArtifactSummaries:
    """Every artifact's summary, kept current by reading new artifact events."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.position = 0
        self.positions: list[int] = []  # of each Created event, ascending
        self.ids: list[UUID] = []  # the artifact created at positions[i]
        self.summaries: dict[UUID, Summary] = {}
        self.lock = threading.Lock()

    def refresh(self) -> None:
        """Read the artifact events recorded since the last look, up to the head."""
        with self.lock:
            for batch, reached in pages_since(self.store, self.position, BATCH, ARTIFACT_TOPICS):
                self._apply(batch)
                self.position = reached

    def _apply(self, batch: Sequence[Notification]) -> None:
        """Summarise the artifacts a batch touched; nothing changes if a load fails."""
        created: list[tuple[int, UUID]] = []
        touched: dict[UUID, None] = {}
        for notification in batch:
            artifact_id = UUID(str(notification.originator_id))
            if notification.topic == ARTIFACT_CREATED:
                created.append((notification.id, artifact_id))
            touched[artifact_id] = None
        fresh = {i: Summary.of(self.store.load(Artifact, i)) for i in touched}
        self.summaries.update(fresh)
        for position, artifact_id in created:
            self.positions.append(position)
            self.ids.append(artifact_id)

    def after(self, position: int) -> Iterator[tuple[int, Summary]]:
        """(position of its creation, summary) of each artifact created after ``position``."""
        self.refresh()
        with self.lock:
            start = bisect.bisect_right(self.positions, position)
            end = len(self.ids)
        for index in range(start, end):
            yield self.positions[index], self.summaries[self.ids[index]]
