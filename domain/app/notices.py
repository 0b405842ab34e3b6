"""Adaptation notices: telling every site in an adaptation's ancestry, and being told.

Sending: when an adaptation is published publicly, the outbox follower asks
``notices`` for one notice per work in its ancestry, and later ``deliver``
sends each (a POST to ``{work}/adaptation-notices`` on another site; for a work
of this site the same verification a remote site would make, then the report is
recorded). A receiver answers 202 when it has kept the notice to verify later,
200 when it knew it already (201 from older sites that verified in the request);
each counts as delivered. Receiving is ``adaptation_receipt.py``: the request
keeps the notice, the follower fetches the adaptation's JSON-LD, follows
``isBasedOn`` back to the artifact told, and records the adaptation only if it
gets there, the artifact is published publicly here, and the document is
served from the site it claims to be from.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.access import ANONYMOUS
from domain.app.adaptation_receipt import AdaptationReceipt
from domain.app.lineage import chain, local_id, site_of, visible_chain
from domain.application import Archive
from domain.artifact import Artifact
from domain.errors import DomainError, NotFound
from domain.outbox import Notice, Outcome
from domain.ports.clock import Clock
from domain.ports.fetcher import FetchBusy, Fetcher, FetchFailed, FetchRefused
from domain.ports.publications import PublicRecords

KIND = "adaptation"
ANSWERED = {201: "recorded", 202: "accepted, to be verified there"}
RETRY_STATUSES = frozenset({408, 409, 425, 429})


class AdaptationNotices:
    kind: str = KIND
    topics: tuple[str, ...] = (get_topic(Artifact.Published),)  # type: ignore[attr-defined]

    def __init__(
        self, archive: Archive, records: PublicRecords, fetcher: Fetcher, clock: Clock
    ) -> None:
        self.archive = archive
        self.records = records
        self.fetcher = fetcher
        self.clock = clock
        self.site = records.base
        #: Receives other sites' notices (kept in the request, verified by the follower).
        self.receipt = AdaptationReceipt(archive, records, fetcher, clock)
        #: What to do when a work told of an adaptation is not there any more
        #: (``WithdrawalReceipt.source_refused``, set by ``AdaptationService``).
        self.when_gone: Callable[[UUID, str, str, str], Outcome] | None = None

    # -- sending -------------------------------------------------------------

    def notices(self, event: Any, position: int) -> list[Notice]:
        """One notice per work in the ancestry of an adaptation published publicly."""
        content = getattr(event, "content", None) or {}
        # An adaptation cannot be published without its note (``Artifact`` checks it),
        # so a publication without one needs no look at the aggregate.
        if content.get("visibility") != "public" or not content.get("adaptation_note"):
            return []
        artifact_id, version = event.originator_id, event.originator_version
        if not self._is_adaptation(artifact_id):
            return []
        artifact = self.archive.artifacts.load(artifact_id, version=version)
        found = []
        for node in chain(artifact.adapted_from):
            target = node.get("uri")
            if not isinstance(target, str) or not target:
                continue
            key = f"{artifact_id}/{version}/{target}"
            found.append(
                Notice(
                    id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.site}/notices/{key}")),
                    kind=KIND,
                    target=target,
                    payload={"artifact_id": str(artifact_id), "version": version},
                    position=position,
                )
            )
        return found

    def _is_adaptation(self, artifact_id: UUID) -> bool:
        """Cheaply: an adaptation records its source right after it is created
        (``AdaptationCommands.adapt``), so its first two events tell, with no replay."""
        first = self.archive.events.get(artifact_id, limit=2)
        return any(type(e).__name__ == "AdaptedFrom" for e in first)

    def deliver(self, notice: Notice) -> Outcome:
        artifact_id = UUID(str(notice.payload["artifact_id"]))
        ours = self.records.api_url(str(artifact_id))
        if self.records.record(artifact_id) is None:
            return Outcome.give_up("The adaptation is no longer public; nothing was sent.")
        if site_of(notice.target) == self.site:
            return self._deliver_here(notice, ours)
        artifact = self.archive.artifacts.load(artifact_id)
        public = {
            n["uri"]
            for n in visible_chain(self.archive, self.site, ANONYMOUS, artifact.adapted_from)
        }
        if notice.target not in public:
            return Outcome.give_up(
                "This work is not reachable through the adaptation's public lineage."
            )
        try:
            status = self.fetcher.post_json(
                f"{notice.target}/adaptation-notices",
                {"adaptation_url": ours, "notice_id": notice.id},
                wait=self.fetcher.deadline,
            )
        except FetchRefused as error:
            return Outcome.give_up(error.detail)
        except (FetchFailed, FetchBusy) as error:
            return Outcome.again(error.detail)
        if status in (200, 201, 202):
            # 202: kept there, to be verified by its follower (``adaptation_receipt.py``).
            return Outcome.done(
                {200: "known there", 201: "recorded there"}.get(status, "accepted there")
            )
        if status in RETRY_STATUSES or status >= 500:
            return Outcome.again(f"{notice.target} answered {status}.")
        refused = f"{notice.target} refused the notice ({status})."
        if status in (404, 410) and self.when_gone is not None:
            # The source may have been withdrawn before it learnt of this adaptation, so
            # it will never send a withdrawal notice for it: look, as a notice would.
            return self.when_gone(artifact_id, notice.target, notice.id, refused)
        return Outcome.give_up(refused)

    def _deliver_here(self, notice: Notice, ours: str) -> Outcome:
        target_id = local_id(self.site, notice.target)
        if target_id is None:
            return Outcome.give_up("This address names no artifact of this site.")
        try:
            answer = self.receipt.verify(target_id, ours, notice.id)
        except (FetchFailed, FetchBusy) as error:
            return Outcome.again(error.detail)
        except NotFound as error:  # the source is not public here (any more)
            if self.when_gone is None:
                return Outcome.give_up(error.detail)
            adaptation = UUID(str(notice.payload["artifact_id"]))
            return self.when_gone(adaptation, notice.target, notice.id, error.detail)
        except DomainError as error:
            return Outcome.give_up(error.detail)
        return Outcome.done("recorded" if answer["recorded"] else "known")
