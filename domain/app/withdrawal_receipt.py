"""Receiving a withdrawal notice: verify who sent it and that it is true, then hide the adaptation.

In order, and recording nothing unless every step passes:

1. the signature (``signatures.read_signature``) is well formed, binds this
   body, this target and a recent time, and its ``keyid`` is the site document
   of the site the withdrawn source is on;
2. that site's public key, fetched from its site document through the guarded
   fetcher (cached for ``KEY_SECONDS``), verifies the signature — else 403;
3. the adaptation here really was made from that source (it is in the
   adaptation's lineage) — else 422;
4. the source really is gone or no longer adaptable: fetched now, it answers
   401, 403, 404 or 410, or a document that is not public and adaptable — else 409
   (the sender tries again later);
5. a notice id already recorded, or an adaptation no longer published, is
   answered as known (200) and changes nothing.

Each fetch is bounded by the fetcher's deadline and size cap and takes a free
fetch slot or none (``FetchBusy``, 503): a request waits at most two deadlines,
and usually one, since keys are cached.

Then the adaptation is withdrawn with the category ``source-withdrawn``, a
neutral public reason and a note for editors naming the source, the site and
the time. That withdrawal is an event like any other, so this site's own
outbox tells the sites further down its lineage.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from domain.app.lineage import chain, local_id, site_of
from domain.app.signatures import WELL_KNOWN, BadSignature, SiteKeys, read_signature
from domain.application import Archive
from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.ports.clock import Clock
from domain.ports.fetcher import Fetcher, FetchFailed
from domain.ports.publications import PublicRecords

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

    def receive(self, artifact_id: UUID, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        """A signed notice POSTed to this artifact; see the module's steps."""
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
        return self.apply(artifact_id, notice, notice["notice_id"], sender)

    def apply(
        self, artifact_id: UUID, notice: dict[str, Any], notice_id: str, sender: str
    ) -> dict[str, Any]:
        """Steps 3 to 5 and the withdrawal, for a notice whose sender is established."""
        artifact = self.archive.artifacts.load(artifact_id)
        source = str(notice["source"])
        if source not in {n.get("uri") for n in chain(artifact.adapted_from)}:
            raise InvalidInput(
                "This artifact was not adapted from that work. Nothing was recorded.",
                field="source",
            )
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

    def _source_gone(self, source: str) -> bool:
        """Whether the source answers now as withdrawn or no longer public and adaptable."""
        here = local_id(self.site, source)
        if here is not None:
            try:
                artifact = self.archive.artifacts.load(here)
            except NotFound:
                return True
            content = (artifact.published or {}).get("content") or {}
            return artifact.status != "published" or not _adaptable(content)
        try:
            document = self.fetcher.get_json(source)
        except FetchFailed as error:
            if error.extra.get("answered") in GONE_STATUSES:
                return True
            raise NotVerifiedYet(f"The source could not be checked: {error.detail}") from None
        # A public JSON-LD record names no visibility: served to anyone, it is public.
        shown = {"visibility": "public", "status": "published", **document}
        return shown["status"] != "published" or not _adaptable(shown)


def _adaptable(content: dict[str, Any]) -> bool:
    return (
        content.get("visibility") == "public"
        and content.get("syndication", "adaptable") == "adaptable"
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
