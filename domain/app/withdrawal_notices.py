"""Withdrawal notices: telling every site that adapted a work that it was withdrawn.

Sending: when an artifact with adaptation reports is withdrawn (any category),
or narrowed so that it is no longer public and adaptable, the outbox follower
asks ``notices`` for one notice per reported adaptation (the reports include
every generation further down the lineage, since each of those sites told this
one too). ``deliver`` signs each (``signatures.py``) and POSTs it to
``{adaptation}/withdrawal-notices``; an adaptation on this site is handled here
with the same rules. Receiving is ``withdrawal_receipt.py``; the format is in
``docs/notices.md``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.app.lineage import local_id, site_of
from domain.app.signatures import WELL_KNOWN, SiteKeys, sign_post
from domain.app.withdrawal_receipt import NotVerifiedYet, WithdrawalReceipt
from domain.application import Archive
from domain.artifact import Artifact
from domain.artifact_fields import adaptable
from domain.errors import Conflict, DomainError
from domain.outbox import FAILED, PENDING, SENT, Notice, Outbox, OutboxEntry, Outcome
from domain.ports.clock import Clock
from domain.ports.fetcher import FetchBusy, Fetcher, FetchFailed, FetchRefused
from domain.ports.publications import PublicRecords

KIND = "withdrawal"
PATH = "/withdrawal-notices"
RETRY_STATUSES = frozenset({408, 409, 425, 429})
WITHDRAWN, NARROWED = "withdrawn", "narrowed"


def body_of(payload: dict[str, Any], notice_id: str) -> bytes:
    """The exact bytes sent (and signed): the notice's public fields as compact JSON."""
    fields = {k: payload[k] for k in ("source", "adaptation", "event", "at")}
    return json.dumps(
        {"notice_id": notice_id, **fields}, sort_keys=True, separators=(",", ":")
    ).encode()


class WithdrawalNotices:
    kind: str = KIND
    topics: tuple[str, ...] = (
        get_topic(Artifact.Withdrawn),  # type: ignore[attr-defined]
        get_topic(Artifact.Narrowed),  # type: ignore[attr-defined]
    )

    def __init__(
        self,
        archive: Archive,
        records: PublicRecords,
        fetcher: Fetcher,
        clock: Clock,
        keys: SiteKeys,
    ) -> None:
        self.archive = archive
        self.records = records
        self.fetcher = fetcher
        self.clock = clock
        self.keys = keys
        self.site = records.base
        self.key_id = self.site + WELL_KNOWN
        self.receipt = WithdrawalReceipt(archive, records, fetcher, clock, keys)

    def site_document(self, name: str) -> dict[str, Any]:
        """What ``/.well-known/commonplace-site.json`` publishes."""
        return {
            "id": self.key_id,
            "site": self.site,
            "name": name,
            "public_key": {"alg": self.keys.algorithm, "key": self.keys.public_key},
            "notices": {"withdrawal": "POST {artifact}" + PATH, "signature": "RFC 9421, ed25519"},
        }

    # -- from events to notices ----------------------------------------------

    def notices(self, event: Any, position: int) -> list[Notice]:
        what = WITHDRAWN if type(event).__name__ == "Withdrawn" else NARROWED
        if what == NARROWED and adaptable(
            {"visibility": event.visibility, "syndication": event.syndication}
        ):
            return []
        artifact_id, version = event.originator_id, event.originator_version
        artifact = self.archive.artifacts.load(artifact_id, version=version)
        source = self.records.api_url(str(artifact_id))
        targets = dict.fromkeys(
            r["url"] for r in artifact.adaptations if isinstance(r.get("url"), str)
        )
        at = self.clock.now().isoformat()
        found = []
        for target in targets:
            key = f"{self.site}/withdrawal/{artifact_id}/{version}/{target}"
            payload = {
                "artifact_id": str(artifact_id),
                "version": version,
                "source": source,
                "adaptation": target,
                "site": site_of(target),
                "event": what,
                "at": at,
            }
            notice_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
            found.append(Notice(notice_id, KIND, target, payload, position))
        return found

    # -- delivering ----------------------------------------------------------

    def deliver(self, notice: Notice) -> Outcome:
        artifact = self.archive.artifacts.load(UUID(str(notice.payload["artifact_id"])))
        if artifact.status == "published" and adaptable(
            (artifact.published or {}).get("content") or {}
        ):
            return Outcome.give_up("The work was published again before the notice left.")
        if site_of(notice.target) == self.site:
            return self._deliver_here(notice)
        url = notice.target + PATH
        body = body_of(notice.payload, notice.id)
        headers = sign_post(self.keys, self.key_id, url, body, self.clock.now())
        try:
            status = self.fetcher.post_json(url, body, headers=headers, wait=self.fetcher.deadline)
        except FetchRefused as error:
            return Outcome.give_up(error.detail)
        except (FetchFailed, FetchBusy) as error:
            return Outcome.again(error.detail)
        if status in (200, 201, 202):
            return Outcome.done("accepted there" if status == 202 else "known there")
        if status in RETRY_STATUSES or status >= 500:
            return Outcome.again(f"{url} answered {status}.")
        return Outcome.give_up(f"{url} refused the notice ({status}).")

    def _deliver_here(self, notice: Notice) -> Outcome:
        adaptation = local_id(self.site, notice.target)
        if adaptation is None:
            return Outcome.give_up("This address names no artifact of this site.")
        try:
            answer = self.receipt.apply(adaptation, notice.payload, notice.id, self.site)
        except (FetchBusy, NotVerifiedYet, Conflict) as error:  # e.g. a concurrent write
            return Outcome.again(error.detail)
        except DomainError as error:
            return Outcome.give_up(error.detail)
        return Outcome.done("withdrawn here" if answer["recorded"] else "known here")


# -- what editors and readers are shown --------------------------------------


def entry_view(entry: OutboxEntry) -> dict[str, Any]:
    """One notice's delivery state: sent, pending with the next try, failed with why."""
    return {
        "id": entry.notice.id,
        "kind": entry.notice.kind,
        "target": entry.notice.target,
        "site": site_of(entry.notice.target),
        "state": entry.state,
        "attempts": entry.attempts,
        "created_at": entry.created_at,
        "next_attempt_at": entry.next_attempt_at if entry.state == PENDING else None,
        "sent_at": entry.sent_at if entry.state == SENT else None,
        "reason": entry.last_error if entry.state != SENT else None,
    }


def delivery_state(archive: Archive, outbox: Outbox, artifact_id: UUID) -> dict[str, Any]:
    """For editors: why the artifact was withdrawn, and every notice about it."""
    artifact = archive.artifacts.load(artifact_id)
    entries = outbox.about(str(artifact_id))
    return {
        "artifact_id": str(artifact_id),
        "status": artifact.status,
        "withdrawal": artifact.withdrawal,
        "sites": site_counts(entries),
        "notices": [entry_view(e) for e in entries],
    }


def site_counts(entries: list[OutboxEntry]) -> dict[str, int]:
    """How many sites were told of a withdrawal (each counted once, by its best state)."""
    best: dict[str, str] = {}
    rank = {SENT: 0, PENDING: 1, FAILED: 2}
    for entry in entries:
        if entry.notice.kind != KIND:
            continue
        site = site_of(entry.notice.target)
        if site not in best or rank[entry.state] < rank[best[site]]:
            best[site] = entry.state
    states = list(best.values())
    return {SENT: states.count(SENT), PENDING: states.count(PENDING), FAILED: states.count(FAILED)}
