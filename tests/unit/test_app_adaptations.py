"""Adapting another site's work, and adaptation notices sent and received, against the
in-memory archive and the fakes of the fetcher, the public records and the clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.app.translations import CrossSiteTranslations
from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.outbox import Notice
from domain.ports.fetcher import FetchFailed, FetchRefused
from tests.conftest import OTHER_PARTNER
from tests.fakes import MemoryOutbox
from tests.unit.adaptation_sites import HERE, REMOTE, THERE, Sites, work


@pytest.fixture
def sites(tmp_path: Path) -> Sites:
    return Sites(tmp_path)


# -- adapting ------------------------------------------------------------------------


def test_a_remote_work_is_adapted_from_its_json_ld(sites: Sites) -> None:
    sites.fetcher.documents[REMOTE] = work(REMOTE, isBasedOn={"@id": f"{THERE}/older"})
    draft = sites.service.adapt(OTHER_PARTNER, {"url": REMOTE}, "england")
    artifact = sites.archive.artifacts.load(UUID(draft.id))
    assert sites.fetcher.asked == [REMOTE]
    assert artifact.content["title"] == "A remote story"
    assert artifact.content["place"] == "england"
    assert {"name": OTHER_PARTNER.name, "role": "adapter"} in artifact.content["contributors"]
    source = artifact.adapted_from or {}
    assert (source["uri"], source["site"], source["version"]) == (REMOTE, THERE, 3)
    assert [a["uri"] for a in source["ancestors"]] == [f"{THERE}/older"]


@pytest.mark.parametrize(
    "document",
    [
        work(REMOTE, **{"@type": "Person"}),
        work(f"{HERE}/api/v1/artifacts/elsewhere"),
    ],
    ids=["not-a-creative-work", "at-another-address"],
)
def test_a_remote_document_that_is_not_that_work_is_refused(
    sites: Sites, document: dict[str, Any]
) -> None:
    sites.fetcher.documents[REMOTE] = document
    with pytest.raises(FetchFailed):
        sites.service.adapt(OTHER_PARTNER, {"url": REMOTE}, "england")


def test_a_remote_work_that_cannot_be_fetched_is_not_adapted(sites: Sites) -> None:
    with pytest.raises(FetchFailed) as failed:
        sites.service.adapt(OTHER_PARTNER, {"url": REMOTE}, "england")
    assert failed.value.extra["answered"] == 404


# -- sending adaptation notices ----------------------------------------------------------


def notice_to(artifact_id: UUID, target: str = REMOTE) -> Notice:
    return Notice("n-1", "adaptation", target, {"artifact_id": str(artifact_id), "version": 3})


def test_publishing_an_adaptation_calls_for_a_notice_to_its_source(sites: Sites) -> None:
    adaptation = sites.adaptation_of_remote()
    [published] = [
        e for e in sites.archive.events.get(adaptation) if type(e).__name__ == "Published"
    ]
    [notice] = sites.service.notices.notices(published, position=12)
    assert (notice.target, notice.position, notice.payload["artifact_id"]) == (
        REMOTE,
        12,
        str(adaptation),
    )


@pytest.mark.parametrize(
    ("status", "delivered", "retry"),
    [
        (202, True, False),
        (201, True, False),
        (200, True, False),
        (429, False, True),
        (503, False, True),
        (400, False, False),
        (403, False, False),
    ],
)
def test_a_notice_is_delivered_retried_or_given_up_by_the_answer(
    sites: Sites, status: int, delivered: bool, retry: bool
) -> None:
    adaptation = sites.adaptation_of_remote()
    sites.fetcher.statuses[f"{REMOTE}/adaptation-notices"] = status
    outcome = sites.service.notices.deliver(notice_to(adaptation))
    assert (outcome.delivered, outcome.retry) == (delivered, retry)
    [(url, body, _)] = sites.fetcher.posted
    assert url == f"{REMOTE}/adaptation-notices"
    assert sites.records.api_url(str(adaptation)).encode() in body


def test_a_busy_fetcher_means_trying_again(sites: Sites) -> None:
    adaptation = sites.adaptation_of_remote()
    sites.fetcher.busy = True
    outcome = sites.service.notices.deliver(notice_to(adaptation))
    assert outcome.retry and not outcome.delivered


def test_no_notice_leaves_for_an_adaptation_no_longer_public(sites: Sites) -> None:
    adaptation = sites.adaptation_of_remote()
    sites.records.withdraw(adaptation)
    outcome = sites.service.notices.deliver(notice_to(adaptation))
    assert not outcome.delivered and not outcome.retry
    assert sites.fetcher.posted == []


def test_a_source_gone_with_410_withdraws_the_adaptation_here(sites: Sites) -> None:
    adaptation = sites.adaptation_of_remote()
    sites.fetcher.statuses[f"{REMOTE}/adaptation-notices"] = 404
    sites.fetcher.statuses[REMOTE] = 410
    outcome = sites.service.notices.deliver(notice_to(adaptation))
    assert outcome.delivered, outcome.reason
    assert sites.archive.artifacts.load(adaptation).status == "withdrawn"


def test_a_source_that_is_only_missing_is_not_taken_as_withdrawn(sites: Sites) -> None:
    adaptation = sites.adaptation_of_remote()
    sites.fetcher.statuses[f"{REMOTE}/adaptation-notices"] = 404
    sites.fetcher.statuses[REMOTE] = 404
    outcome = sites.service.notices.deliver(notice_to(adaptation))
    assert not outcome.delivered and not outcome.retry
    assert sites.archive.artifacts.load(adaptation).status == "published"


# -- receiving adaptation notices: kept in the request, verified by the follower ----------


def remote_adaptation(sites: Sites, ours: UUID, **fields: Any) -> str:
    remote = f"{THERE}/api/v1/artifacts/{uuid4()}"
    based_on = {"@id": sites.records.api_url(str(ours))}
    sites.fetcher.documents[remote] = work(remote, **{"isBasedOn": based_on, **fields})
    return remote


def test_a_notice_is_kept_without_a_fetch_then_verified_and_recorded_once(sites: Sites) -> None:
    ours, outbox = sites.published(), MemoryOutbox()
    remote = remote_adaptation(sites, ours)
    receipt = sites.service.notices.receipt
    kept = receipt.receive(ours, remote, "notice-1", outbox)
    assert (kept["recorded"], kept["status"]) == (True, "pending")
    assert sites.fetcher.asked == [], "the request fetches nothing"
    [entry] = outbox.due(sites.clock.now().timestamp(), 10)
    outcome = receipt.deliver(entry.notice)
    assert outcome.delivered, outcome.reason
    [report] = sites.archive.artifacts.load(ours).adaptations
    assert (report["url"], report["notice_id"]) == (remote, "notice-1")
    assert report["reported_at"] == sites.clock.now().isoformat()
    again = receipt.receive(ours, remote, "notice-1", outbox)
    assert (again["recorded"], again["status"]) == (False, "recorded")


def test_a_notice_that_does_not_lead_back_is_refused_by_the_follower(sites: Sites) -> None:
    ours, outbox = sites.published(), MemoryOutbox()
    unrelated = f"{THERE}/api/v1/artifacts/{uuid4()}"
    sites.fetcher.documents[unrelated] = work(unrelated)
    remote = remote_adaptation(sites, ours, isBasedOn={"@id": unrelated})
    receipt = sites.service.notices.receipt
    receipt.receive(ours, remote, None, outbox)
    [entry] = outbox.entries()
    outcome = receipt.deliver(entry.notice)
    assert not outcome.delivered and not outcome.retry
    assert "could not be verified" in outcome.reason
    assert sites.archive.artifacts.load(ours).adaptations == []


def test_a_site_that_does_not_answer_is_asked_again_later(sites: Sites) -> None:
    ours, outbox = sites.published(), MemoryOutbox()
    remote = remote_adaptation(sites, ours)
    sites.fetcher.statuses[remote] = 503
    receipt = sites.service.notices.receipt
    receipt.receive(ours, remote, None, outbox)
    [entry] = outbox.entries()
    assert receipt.deliver(entry.notice).retry


def test_notices_to_works_not_public_or_shared_as_they_are_are_refused(sites: Sites) -> None:
    outbox, receipt = MemoryOutbox(), sites.service.notices.receipt
    remote = f"{THERE}/api/v1/artifacts/{uuid4()}"
    with pytest.raises(NotFound):
        receipt.receive(sites.published(visibility="members"), remote, None, outbox)
    with pytest.raises(Conflict, match="not adapted"):
        receipt.receive(sites.published(syndication="shared"), remote, None, outbox)
    with pytest.raises(FetchRefused, match="private or local"):
        receipt.receive(sites.published(), "http://10.0.0.8/api/v1/artifacts/x", None, outbox)
    assert outbox.entries() == [] and sites.fetcher.asked == []


# -- translating another site's work -----------------------------------------------------


def test_a_remote_work_is_translated_keeping_its_lineage(sites: Sites) -> None:
    sites.fetcher.documents[REMOTE] = work(REMOTE)
    draft = CrossSiteTranslations(sites.service).translate(OTHER_PARTNER, REMOTE, "england", "es")
    artifact = sites.archive.artifacts.load(UUID(draft.id))
    assert artifact.content["language"] == "es"
    assert (artifact.adapted_from or {})["relation"] == "translation"
    assert (artifact.adapted_from or {})["uri"] == REMOTE
    with pytest.raises(InvalidInput, match="already in en"):
        CrossSiteTranslations(sites.service).translate(OTHER_PARTNER, REMOTE, "england", "en")


def test_a_remote_work_that_forbids_derivatives_is_not_translated(sites: Sites) -> None:
    no_derivatives = "https://creativecommons.org/licenses/by-nd/4.0/"
    sites.fetcher.documents[REMOTE] = work(REMOTE, license=no_derivatives)
    with pytest.raises(DomainError):
        CrossSiteTranslations(sites.service).translate(OTHER_PARTNER, REMOTE, "england", "es")
