"""Withdrawal notices sent and received, and what editors are shown of them, against the
in-memory archive and the fakes of the fetcher, the public records, the clock and the
outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from domain.app.signatures import WELL_KNOWN, BadSignature, read_signature, sign_post
from domain.app.withdrawal_notices import PATH, body_of, delivery_state
from domain.app.withdrawal_receipt import NotVerifiedYet
from domain.outbox import FAILED, PENDING, SENT, Notice
from infra.site_keys import load_site_keys
from tests.conftest import EDITOR
from tests.fakes import MemoryOutbox
from tests.unit.adaptation_sites import CC_BY, REMOTE, THERE, Sites, work

ELSEWHERE = "https://elsewhere.example"


@pytest.fixture
def sites(tmp_path: Path) -> Sites:
    return Sites(tmp_path / "here")


def adapted_elsewhere(sites: Sites) -> tuple[UUID, list[str]]:
    """A work of this site with two adaptations reported by other sites."""
    ours = sites.published()
    adaptations = [f"{THERE}/api/v1/artifacts/{uuid4()}", f"{ELSEWHERE}/api/v1/artifacts/1"]
    for url in adaptations:
        report = {"url": url, "site": url.split("/api/")[0], "title": "An adaptation"}
        sites.archive.adaptations.report_adaptation(
            ours, {**report, "based_on": sites.records.api_url(str(ours))}
        )
    return ours, adaptations


def withdrawn_notices(sites: Sites, ours: UUID) -> list[Notice]:
    sites.archive.artifacts.withdraw(EDITOR, ours, "Consent was withdrawn")
    sites.records.withdraw(ours)
    [event] = [e for e in sites.archive.events.get(ours) if type(e).__name__ == "Withdrawn"]
    return sites.service.withdrawals.notices(event, position=40)


# -- sending --------------------------------------------------------------------------


def test_a_withdrawal_calls_for_a_notice_to_every_reported_adaptation(sites: Sites) -> None:
    ours, adaptations = adapted_elsewhere(sites)
    notices = withdrawn_notices(sites, ours)
    assert [n.target for n in notices] == adaptations
    for notice in notices:
        assert notice.payload["source"] == sites.records.api_url(str(ours))
        assert notice.payload["event"] == "withdrawn"
        assert notice.payload["at"] == sites.clock.now().isoformat()


def test_a_notice_is_posted_signed_with_this_sites_key(sites: Sites) -> None:
    ours, _ = adapted_elsewhere(sites)
    notice = withdrawn_notices(sites, ours)[0]
    sites.fetcher.statuses[notice.target + PATH] = 202
    outcome = sites.service.withdrawals.deliver(notice)
    assert outcome.delivered and outcome.reason == "accepted there"
    [(url, body, headers)] = sites.fetcher.posted
    assert (url, body) == (notice.target + PATH, body_of(notice.payload, notice.id))
    signed = read_signature(url, body, headers, sites.clock.now().timestamp())
    assert signed.key_id == sites.records.base + WELL_KNOWN
    keys = sites.service.withdrawals.keys
    assert keys.verify(keys.public_key, signed.base, signed.signature)


@pytest.mark.parametrize(("status", "retry"), [(503, True), (429, True), (404, False)])
def test_a_notice_not_taken_is_retried_or_given_up(sites: Sites, status: int, retry: bool) -> None:
    ours, _ = adapted_elsewhere(sites)
    notice = withdrawn_notices(sites, ours)[0]
    sites.fetcher.statuses[notice.target + PATH] = status
    outcome = sites.service.withdrawals.deliver(notice)
    assert not outcome.delivered and outcome.retry is retry


def test_editors_see_every_notice_and_each_site_once(sites: Sites) -> None:
    ours, _ = adapted_elsewhere(sites)
    first, second = withdrawn_notices(sites, ours)
    outbox = MemoryOutbox()
    other = Notice("n-x", "adaptation", f"{THERE}/x", {"artifact_id": str(ours)}, 3)
    outbox.add([first, second, other], Tracking("Archive#outbox", 40), 1000.0)
    outbox.delivered(first.id, 1, 1001.0, "accepted there")
    outbox.failed(second.id, 6, "refused (404)")
    state = delivery_state(sites.archive, outbox, ours)
    assert state["status"] == "withdrawn"
    assert state["sites"] == {SENT: 1, PENDING: 0, FAILED: 1}, "the adaptation notice not counted"
    shown = {n["id"]: n for n in state["notices"]}
    assert shown[first.id]["sent_at"] == 1001.0 and shown[first.id]["reason"] is None
    assert shown[second.id]["reason"] == "refused (404)"


# -- receiving ------------------------------------------------------------------------


class Sender:
    """The site a source was withdrawn on: its key pair, published in its site document."""

    def __init__(self, sites: Sites, tmp_path: Path) -> None:
        self.keys = load_site_keys(tmp_path / "there")
        self.key_id = THERE + WELL_KNOWN
        public = {"alg": self.keys.algorithm, "key": self.keys.public_key}
        sites.fetcher.documents[self.key_id] = {"site": THERE, "public_key": public}
        self.sites = sites

    def notice(self, adaptation: UUID, notice_id: str = "w-1") -> tuple[bytes, dict[str, str]]:
        ours = self.sites.records.api_url(str(adaptation))
        payload: dict[str, Any] = {
            "source": REMOTE,
            "adaptation": ours,
            "event": "withdrawn",
            "at": "2026-01-01T00:00:00+00:00",
        }
        body = body_of(payload, notice_id)
        now = self.sites.clock.now()
        return body, sign_post(self.keys, self.key_id, ours + PATH, body, now)


def test_a_signed_notice_is_kept_once_then_withdraws_the_adaptation(
    sites: Sites, tmp_path: Path
) -> None:
    adaptation, outbox = sites.adaptation_of_remote(), MemoryOutbox()
    body, headers = Sender(sites, tmp_path).notice(adaptation)
    receipt = sites.service.withdrawals.receipt
    assert receipt.receive(adaptation, body, headers, outbox)["recorded"] is True
    assert receipt.receive(adaptation, body, headers, outbox)["recorded"] is False
    [entry] = outbox.entries()
    sites.fetcher.documents[REMOTE] = work(REMOTE)  # still public and adaptable there
    assert receipt.deliver(entry.notice).retry, "not withdrawn while the source still answers"
    assert sites.archive.artifacts.load(adaptation).status == "published"
    sites.fetcher.statuses[REMOTE] = 410
    outcome = receipt.deliver(entry.notice)
    assert outcome.delivered, outcome.reason
    withdrawn = sites.archive.artifacts.load(adaptation)
    assert withdrawn.status == "withdrawn"
    assert (withdrawn.withdrawal or {}).get("category") == "source-withdrawn"


def test_a_notice_not_signed_by_the_sources_site_is_refused(sites: Sites, tmp_path: Path) -> None:
    adaptation, outbox = sites.adaptation_of_remote(), MemoryOutbox()
    sender = Sender(sites, tmp_path)
    sender.keys = load_site_keys(tmp_path / "impostor")
    body, headers = sender.notice(adaptation)
    with pytest.raises(BadSignature, match="does not verify"):
        sites.service.withdrawals.receipt.receive(adaptation, body, headers, outbox)
    assert outbox.entries() == []


def test_a_sender_whose_key_cannot_be_fetched_is_asked_again(sites: Sites, tmp_path: Path) -> None:
    adaptation, outbox = sites.adaptation_of_remote(), MemoryOutbox()
    body, headers = Sender(sites, tmp_path).notice(adaptation)
    sites.fetcher.statuses[THERE + WELL_KNOWN] = 503
    with pytest.raises(NotVerifiedYet, match="key could not be fetched"):
        sites.service.withdrawals.receipt.receive(adaptation, body, headers, outbox)
    assert outbox.entries() == []


def test_a_withdrawn_work_is_told_to_no_private_address(sites: Sites) -> None:
    ours = sites.published(licence=CC_BY)
    private = "http://10.0.0.9/api/v1/artifacts/1"
    sites.archive.adaptations.report_adaptation(
        ours, {"url": private, "site": "http://10.0.0.9", "title": "x", "based_on": "y"}
    )
    [notice] = withdrawn_notices(sites, ours)
    outcome = sites.service.withdrawals.deliver(notice)
    assert not outcome.delivered and not outcome.retry
    assert "private or local" in outcome.reason
    assert sites.fetcher.posted == []
