"""Receiving a withdrawal notice: verify who sent it and that it is true, then hide the adaptation.

In the request (``receive``), recording nothing unless every step passes:

1. the signature (``signatures.read_signature``) is well formed, binds this
   body, this target and a recent time, and its ``keyid`` is the site document
   of the site the withdrawn source is on — else 403;
2. that site's public key, fetched from its site document through the guarded
   fetcher (cached for ``KEY_SECONDS``), verifies the signature — else 403 (503
   when the key cannot be fetched now);
3. the adaptation here really was made from that source (it is in the
   adaptation's lineage) — else 422.

The notice is then stored in the outbox as a ``RECEIVED`` entry keyed by the
sender's site and notice id, and answered 202 (200 when that id is already
stored, or already recorded on the adaptation). The request makes at most one
fetch (the key, unless cached), bounded by the fetcher's deadline, taking a free
fetch slot or none (``FetchBusy``, 503).

In the follower (``deliver``, retried with backoff like every outbox entry):

4. the source really is gone or no longer adaptable: fetched now, it answers
   401, 403, 404 or 410, or a document that is not public and adaptable (tried
   again later while it still answers, or cannot be reached);
5. an adaptation no longer published, or a notice id already recorded on it,
   changes nothing.

Then the adaptation is withdrawn with the category ``source-withdrawn``, a
neutral public reason and a note for editors naming the source, the site and
the time. That withdrawal is an event like any other, so this site's own
outbox tells the sites further down its lineage. A notice for an adaptation of
this site's own work skips the request (``WithdrawalNotices`` calls ``apply``).
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

from domain.app.lineage import chain, local_id, site_of
from domain.app.signatures import WELL_KNOWN, BadSignature, SiteKeys, read_signature
from domain.application import Archive
from domain.artifact_fields import adaptable
from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.outbox import Notice, Outbox, Outcome
from domain.ports.clock import Clock
from domain.ports.fetcher import FetchBusy, Fetcher, FetchFailed
from domain.ports.publications import PublicRecords

RECEIVED = "withdrawal-received"
KEY_SECONDS = 600.0
GONE_STATUSES = frozenset({401, 403, 404, 410})
EVENTS = ("withdrawn", "narrowed")
REASON = (
    "The work this was adapted from has been withdrawn by the site it came from. "
    "This adaptation is hidden until an editor has reviewed it."
)


class NotVerifiedYet(DomainError):
    """The notice could not be checked now (a site did not answer); the sender retries."""

    title = "Cannot verify yet"


class WithdrawalReceipt:
    """Receives withdrawal notices, and (as the outbox's notifier of ``RECEIVED``
    entries) applies them in the follower."""

    kind: str = RECEIVED
    topics: tuple[str, ...] = ()

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
        self._keys: dict[str, tuple[str, float]] = {}

    def receive(
        self, artifact_id: UUID, body: bytes, headers: dict[str, str], outbox: Outbox
    ) -> dict[str, Any]:
        """A signed notice POSTed to this artifact: steps 1 to 3 now, then it is stored
        (once per notice id) for the follower, which makes steps 4 and 5 (``deliver``)."""
        target = self.records.api_url(str(artifact_id)) + "/withdrawal-notices"
        signed = read_signature(target, body, headers, self.clock.now().timestamp())
        notice = _notice(body)
        sender = site_of(notice["source"])
        if signed.key_id != sender + WELL_KNOWN:
            raise BadSignature(
                "This notice is not signed by the site of the work it says was withdrawn. "
                "Nothing was recorded."
            )
        if not self.keys.verify(self._public_key(signed.key_id), signed.base, signed.signature):
            self._keys.pop(signed.key_id, None)  # perhaps the key changed: fetch it next time
            raise BadSignature("This notice's signature does not verify. Nothing was recorded.")
        if notice["adaptation"] != self.records.api_url(str(artifact_id)):
            raise InvalidInput("This notice names another adaptation.", field="adaptation")
        artifact = self.archive.artifacts.load(artifact_id)
        _check_lineage(artifact.adapted_from, notice["source"])
        if self.archive.adaptations.has_withdrawal_notice(artifact_id, notice["notice_id"]):
            return {"recorded": False, "status": artifact.status}
        fields = {k: notice.get(k) for k in ("notice_id", "source", "adaptation", "event", "at")}
        entry = Notice(
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{sender}/notices/{notice['notice_id']}")),
            kind=RECEIVED,
            target=notice["adaptation"],
            payload={"artifact_id": str(artifact_id), "sender": sender, **fields},
        )
        accepted = outbox.accept(entry, self.clock.now().timestamp())
        return {"recorded": accepted, "status": "accepted" if accepted else "known"}

    def notices(self, event: Any, position: int) -> list[Notice]:
        return []  # its entries come from requests (``receive``), not from events

    def deliver(self, notice: Notice) -> Outcome:
        """The follower's half: confirm the source is gone, then withdraw; retried while
        the source cannot be checked or still answers, as other notices are."""
        given = notice.payload
        try:
            answer = self.apply(
                UUID(str(given["artifact_id"])),
                given,
                str(given["notice_id"]),
                str(given["sender"]),
            )
        except (NotVerifiedYet, FetchBusy, Conflict) as error:
            return Outcome.again(error.detail)
        except DomainError as error:
            return Outcome.give_up(error.detail)
        return Outcome.done("withdrawn here" if answer["recorded"] else "already withdrawn here")

    def apply(
        self, artifact_id: UUID, notice: dict[str, Any], notice_id: str, sender: str
    ) -> dict[str, Any]:
        """Steps 3 to 5 and the withdrawal, for a notice whose sender is established."""
        artifact = self.archive.artifacts.load(artifact_id)
        source = str(notice["source"])
        _check_lineage(artifact.adapted_from, source)
        if self.archive.adaptations.has_withdrawal_notice(artifact_id, notice_id):
            return {"recorded": False, "status": artifact.status}
        if artifact.status != "published":
            return {"recorded": False, "status": artifact.status}
        if not self._source_gone(source):
            raise Conflict(
                f"{source} still answers as a public, adaptable work. Nothing was recorded."
            )
        what = notice.get("event") if notice.get("event") in EVENTS else "withdrawn"
        when = self.clock.now().isoformat()
        note = (
            f"Its source {source} on {site_of(source)} was {what} there "
            f"(at {notice.get('at') or 'an unstated time'}); notice {notice_id} "
            f"from {sender} received {when}."
        )
        self.archive.adaptations.withdraw_for_source(artifact_id, REASON, note, notice_id)
        return {"recorded": True, "status": "withdrawn"}

    def source_refused(
        self, artifact_id: UUID, source: str, notice_id: str, refused: str
    ) -> Outcome:
        """This site's adaptation notice was refused because its source is not there:
        if the source was withdrawn (it answers 410; a draft or a members-only work
        that was never public here is not), withdraw the adaptation as a notice would
        have; otherwise give the notice up with the refusal."""
        try:
            if not self._source_withdrawn(source):
                return Outcome.give_up(refused)
        except (NotVerifiedYet, FetchBusy) as error:
            return Outcome.again(error.detail)
        notice = {"source": source, "event": "withdrawn", "at": None}
        try:
            answer = self.apply(artifact_id, notice, notice_id, self.site)
        except Conflict as error:
            return Outcome.again(error.detail)
        except DomainError as error:
            return Outcome.give_up(f"{refused} {error.detail}")
        done = "it was withdrawn here" if answer["recorded"] else "nothing left to do"
        return Outcome.done(f"{refused} The source is gone; {done}.")

    def _public_key(self, key_id: str) -> str:
        cached = self._keys.get(key_id)
        if cached is not None and cached[1] > self.clock.monotonic():
            return cached[0]
        try:
            document = self.fetcher.get_json(key_id)
        except FetchFailed as error:
            raise NotVerifiedYet(f"The sender's key could not be fetched: {error.detail}") from None
        key = document.get("public_key")
        if (
            document.get("site") != site_of(key_id)
            or not isinstance(key, dict)
            or key.get("alg") != "ed25519"
            or not isinstance(key.get("key"), str)
        ):
            raise BadSignature("The sender's site document publishes no usable key.")
        self._keys[key_id] = (key["key"], self.clock.monotonic() + KEY_SECONDS)
        return str(key["key"])

    def _source_withdrawn(self, source: str) -> bool:
        here = local_id(self.site, source)
        if here is not None:
            try:
                return self.archive.artifacts.load(here).status == "withdrawn"
            except NotFound:
                return False
        try:
            self.fetcher.get_json(source)
        except FetchFailed as error:
            if error.extra.get("answered") == 410:
                return True
            if error.extra.get("answered") is None or error.extra["answered"] >= 500:
                raise NotVerifiedYet(f"The source could not be checked: {error.detail}") from None
        return False

    def _source_gone(self, source: str) -> bool:
        """Whether the source answers now as withdrawn or no longer public and adaptable."""
        here = local_id(self.site, source)
        if here is not None:
            try:
                artifact = self.archive.artifacts.load(here)
            except NotFound:
                return True
            content = (artifact.published or {}).get("content") or {}
            return artifact.status != "published" or not adaptable(content)
        try:
            document = self.fetcher.get_json(source)
        except FetchFailed as error:
            if error.extra.get("answered") in GONE_STATUSES:
                return True
            raise NotVerifiedYet(f"The source could not be checked: {error.detail}") from None
        # A public JSON-LD record names no visibility: served to anyone, it is public.
        shown = {"visibility": "public", "status": "published", **document}
        return shown["status"] != "published" or not adaptable(shown)


def _check_lineage(adapted_from: dict[str, Any] | None, source: str) -> None:
    if source not in {n.get("uri") for n in chain(adapted_from)}:
        raise InvalidInput(
            "This artifact was not adapted from that work. Nothing was recorded.", field="source"
        )


def _notice(body: bytes) -> dict[str, Any]:
    try:
        notice = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("The notice is not JSON.", field="body") from None
    if not isinstance(notice, dict):
        raise InvalidInput("The notice is not a JSON object.", field="body")
    for name in ("notice_id", "source", "adaptation"):
        value = notice.get(name)
        if not isinstance(value, str) or not value or len(value) > 1000:
            raise InvalidInput(f"The notice needs {name} (a string).", field=name)
    if not notice["source"].startswith(("http://", "https://")):
        raise InvalidInput("The notice's source is not an http(s) address.", field="source")
    return dict(notice)
