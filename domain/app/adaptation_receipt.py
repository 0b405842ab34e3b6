"""Receiving an adaptation notice: keep it in the request, verify it in the follower.

In the request (``receive``) only what can be checked here, with no fetch:

1. the address is an http(s) URL with a host and a path, no user name, and, when
   its host is written as an IP address, one the guarded fetcher would reach —
   else 422;
2. the artifact told is published publicly here (404) and may be adapted (409);
3. a notice already recorded on the artifact (by its adaptation address or its
   notice id), or already kept, is answered 200 with what became of it;
4. at most ``max_pending_per_site`` notices from one site (429) and
   ``max_pending`` in all (503) wait for verification, with ``Retry-After``
   (counted and kept under a lock: exact within one API process).

The notice is then kept in the outbox table as a ``RECEIVED`` entry (its id
derived from the artifact and the adaptation's address, so one adaptation is
kept once) and answered 202.

In the follower (``deliver``, retried with backoff like every outbox entry):
the adaptation's JSON-LD is fetched through the guarded fetcher and ``isBasedOn``
followed back to the artifact told; the adaptation report is recorded only if it
gets there, the document is served from the site it claims to be from, and the
artifact is still public and adaptable. A site that does not answer (or answers
408, 425, 429 or 5xx) is tried again later; any other failure refuses the notice
with the reason (the entry is given up, shown to editors). Recording is
idempotent: ``Artifact.accept_report`` records an adaptation and a notice id once.
"""

from __future__ import annotations

import ipaddress
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.app.jsonld_values import int_of, name_of, node_of, text_of
from domain.app.lineage import local_id, site_of
from domain.application import Archive
from domain.errors import ConcurrentWrite, Conflict, DomainError, InvalidInput, NotFound
from domain.outbox import FAILED, PENDING, Notice, Outbox, Outcome
from domain.ports.clock import Clock
from domain.ports.fetcher import FetchBusy, Fetcher, FetchFailed, FetchRefused
from domain.ports.publications import PublicRecords

RECEIVED = "adaptation-received"
MAX_GENERATIONS = 8
MAX_PENDING_PER_SITE = 20
MAX_PENDING = 200
RETRY_AFTER = 60
AGAIN_STATUSES = frozenset({408, 425, 429})
REFUSED = "Refused: "


class TooManyPending(DomainError):
    """Too many notices wait for verification (from one site: 429; in all: 503)."""

    title = "Too many notices waiting"

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail)
        self.status = status
        self.retry_after = RETRY_AFTER


class AdaptationReceipt:
    """Receives adaptation notices, and (as the outbox's notifier of ``RECEIVED``
    entries) verifies them in the follower."""

    kind: str = RECEIVED
    topics: tuple[str, ...] = ()

    def __init__(
        self,
        archive: Archive,
        records: PublicRecords,
        fetcher: Fetcher,
        clock: Clock,
        *,
        max_pending_per_site: int = MAX_PENDING_PER_SITE,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.archive = archive
        self.records = records
        self.fetcher = fetcher
        self.clock = clock
        self.site = records.base
        self.max_pending_per_site = max_pending_per_site
        self.max_pending = max_pending
        self._counting = threading.Lock()

    # -- the request's half --------------------------------------------------

    def receive(
        self, artifact_id: UUID, adaptation_url: str, notice_id: str | None, outbox: Outbox
    ) -> dict[str, Any]:
        """Steps 1 to 4, then the notice is kept for the follower; never a fetch."""
        self._check_address(adaptation_url)
        self._public_and_adaptable(artifact_id)
        artifact = self.archive.artifacts.load(artifact_id)
        if artifact.has_adaptation(adaptation_url) or (
            notice_id and any(r.get("notice_id") == notice_id for r in artifact.adaptations)
        ):
            return self._answer(artifact_id, False, "recorded", None)
        entry_id = self.entry_id(artifact_id, adaptation_url)
        kept = outbox.get(entry_id)
        if kept is None:
            payload = {
                "artifact_id": str(artifact_id),
                "adaptation_url": adaptation_url,
                "notice_id": notice_id,
                "sender": site_of(adaptation_url),
            }
            notice = Notice(entry_id, RECEIVED, adaptation_url, payload)
            with self._counting:  # the count and the insert together, or the caps overshoot
                self._within_caps(site_of(adaptation_url), outbox)
                accepted = outbox.accept(notice, self.clock.now().timestamp())
            if accepted:
                return self._answer(artifact_id, True, "pending", entry_id)
            kept = outbox.get(entry_id)
        state = kept.state if kept is not None else PENDING
        shown = {FAILED: "refused", PENDING: "pending"}.get(state, "recorded")
        reason = kept.last_error if kept is not None and state == FAILED else None
        return self._answer(artifact_id, False, shown, entry_id, reason)

    def entry_id(self, artifact_id: UUID, adaptation_url: str) -> str:
        """One entry per artifact and adaptation address, whatever notice ids arrive."""
        ours = self.records.api_url(str(artifact_id))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ours}/adaptation-notices/{adaptation_url}"))

    def _answer(
        self,
        artifact_id: UUID,
        kept: bool,
        state: str,
        entry_id: str | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        """``recorded``: kept now; ``status``: pending, recorded or refused; where to look."""
        ours = self.records.api_url(str(artifact_id))
        answer: dict[str, Any] = {
            "recorded": kept,
            "status": state,
            "id": entry_id,
            "lineage": f"{ours}/lineage",
            "notices": f"{ours}/notices",
        }
        if reason:
            answer["reason"] = reason
        return answer

    def _check_address(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            raise _malformed(url) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _malformed(url)
        if parts.username is not None or parts.path in ("", "/"):
            raise _malformed(url)
        if site_of(url) != self.site and not self._address_permitted(parts.hostname):
            raise FetchRefused(
                f"{parts.hostname} is a private or local address; such addresses are not "
                "fetched. Nothing was recorded.",
                field="adaptation_url",
            )

    def _address_permitted(self, host: str) -> bool:
        """A host written as an IP address is judged now by the fetcher's rules; a name
        is judged when the follower resolves it."""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return True
        permitted = getattr(self.fetcher, "permitted", None)
        return bool(permitted(address)) if callable(permitted) else True

    def _public_and_adaptable(self, artifact_id: UUID) -> None:
        record = self.records.record(artifact_id)
        if record is None:
            raise NotFound(f"No public artifact {artifact_id}.")
        if not record.get("adaptable", True):  # its syndication is "shared": not to be adapted
            raise Conflict(
                "The people in this work agreed to it being shared as it is, not adapted; "
                "no adaptation of it is recorded."
            )

    def _within_caps(self, sender: str, outbox: Outbox) -> None:
        if outbox.waiting(RECEIVED, sender + "/") >= self.max_pending_per_site:
            raise TooManyPending(
                f"{self.max_pending_per_site} notices from {sender} are waiting to be "
                "verified; send this one again later.",
                429,
            )
        if outbox.waiting(RECEIVED) >= self.max_pending:
            raise TooManyPending(
                f"{self.max_pending} notices are waiting to be verified; send this one "
                "again later.",
                503,
            )

    # -- the follower's half -------------------------------------------------

    def notices(self, event: Any, position: int) -> list[Notice]:
        return []  # its entries come from requests (``receive``), not from events

    def deliver(self, notice: Notice) -> Outcome:
        """Verify a kept notice and record the report; retried while a site does not
        answer, refused (given up with the reason) when it does not verify."""
        given = notice.payload
        notice_id = given.get("notice_id")
        try:
            answer = self.verify(
                UUID(str(given["artifact_id"])),
                str(given["adaptation_url"]),
                str(notice_id) if notice_id else None,
            )
        except FetchBusy as busy:
            return Outcome.again(busy.detail)
        except FetchFailed as failed:
            answered = failed.extra.get("answered")
            if answered is None or answered in AGAIN_STATUSES or answered >= 500:
                return Outcome.again(failed.detail)
            return Outcome.give_up(REFUSED + failed.detail)
        except ConcurrentWrite as error:
            return Outcome.again(error.detail)
        except DomainError as error:
            return Outcome.give_up(REFUSED + error.detail)
        return Outcome.done("recorded" if answer["recorded"] else "already recorded")

    def verify(
        self, artifact_id: UUID, adaptation_url: str, notice_id: str | None = None
    ) -> dict[str, Any]:
        """Fetch the adaptation, follow ``isBasedOn`` to this artifact, record the report."""
        self._public_and_adaptable(artifact_id)
        ours = self.records.api_url(str(artifact_id))
        started = self.clock.monotonic()
        document = self._document(adaptation_url)
        uri = str(document.get("@id") or adaptation_url)
        if site_of(uri) != site_of(adaptation_url):
            raise InvalidInput(
                "The adaptation's JSON-LD names an address on another site than the one it "
                "was fetched from. Nothing was recorded.",
                field="adaptation_url",
            )
        based_on = self._verify(document, ours, started)
        report = {
            "url": uri,
            "page": text_of(document.get("url")),
            "site": site_of(uri),
            "title": text_of(document.get("name")) or "",
            "place": name_of(document.get("spatialCoverage")) or None,
            "based_on": based_on,
            "note": text_of(document.get("schema:editorsNote")),
            "version": int_of(document.get("version")),
            "reported_at": self.clock.now().isoformat(),
        }
        if notice_id:
            report["notice_id"] = notice_id
        recorded = self.archive.adaptations.report_adaptation(artifact_id, report)
        return {"recorded": recorded, "adaptation": report}

    def _document(self, url: str) -> dict[str, Any]:
        """A work's JSON-LD: this site's from its records (public only), others' fetched."""
        if site_of(url) != self.site:
            return self.fetcher.get_json(url, wait=self.fetcher.deadline)
        artifact_id = local_id(self.site, url)
        record = self.records.record(artifact_id) if artifact_id else None
        if record is None:
            raise FetchFailed(f"{url} is not a public artifact of this site.", url=url)
        return self.records.jsonld(record)

    def _verify(self, document: dict[str, Any], ours: str, started: float) -> str:
        """Follow isBasedOn, fetching each generation, until it reaches ``ours``."""
        direct = node_of(document.get("isBasedOn"))
        node = document
        for _ in range(MAX_GENERATIONS):
            parent = node_of(node.get("isBasedOn"))
            if parent is None or not isinstance(parent.get("@id"), str):
                break
            if parent["@id"] == ours:
                assert direct is not None
                return str(direct["@id"])
            if self.clock.monotonic() - started > 2 * self.fetcher.deadline:
                break
            node = self._document(parent["@id"])
        raise InvalidInput(
            "This notice could not be verified: the adaptation's JSON-LD does not lead back "
            "to this artifact through isBasedOn. Nothing was recorded.",
            field="adaptation_url",
        )


def _malformed(url: str) -> InvalidInput:
    return InvalidInput(
        f"{url[:200]!r} is not the http(s) address of a work. Nothing was recorded.",
        field="adaptation_url",
    )
