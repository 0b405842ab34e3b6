"""How a receiver decides that a withdrawn source is really gone (the follower's step 4)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from domain.app.withdrawal_receipt import NotVerifiedYet, WithdrawalReceipt
from domain.ports.fetcher import FetchFailed
from infra.clock import SystemClock
from infra.site_keys import load_site_keys

SOURCE = "https://a.example/api/v1/artifacts/7b7c5a52-4d4f-4a43-9d1e-1f0d1c2b3a4e"


class StandInFetcher:
    """A stand-in for the guarded fetcher: answers one document or one failure."""

    deadline = 5.0

    def __init__(self, answer: dict[str, Any] | FetchFailed) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def get_json(self, url: str, *, wait: float = 0.0) -> dict[str, Any]:
        self.asked.append(url)
        if isinstance(self.answer, FetchFailed):
            raise self.answer
        return self.answer


def receipt(fetcher: StandInFetcher, tmp_path: Path) -> WithdrawalReceipt:
    records = SimpleNamespace(base="https://b.example")
    return WithdrawalReceipt(
        cast(Any, None),
        cast(Any, records),
        cast(Any, fetcher),
        SystemClock(),
        load_site_keys(tmp_path),
    )


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_a_source_that_answers_gone_or_closed_is_gone(status: int, tmp_path: Path) -> None:
    failed = FetchFailed(f"{SOURCE} answered {status}.", url=SOURCE, answered=status)
    fetcher = StandInFetcher(failed)
    assert receipt(fetcher, tmp_path)._source_gone(SOURCE) is True
    assert fetcher.asked == [SOURCE]


@pytest.mark.parametrize(
    ("document", "gone"),
    [
        ({"@context": "https://schema.org", "@id": SOURCE}, False),  # a public JSON-LD record
        ({"status": "published", "visibility": "public", "syndication": "adaptable"}, False),
        ({"status": "published", "visibility": "public", "syndication": "shared"}, True),
        ({"status": "published", "visibility": "members"}, True),
        ({"status": "withdrawn"}, True),
    ],
)
def test_a_source_that_still_answers_is_gone_only_when_no_longer_adaptable(
    document: dict[str, Any], gone: bool, tmp_path: Path
) -> None:
    assert receipt(StandInFetcher(document), tmp_path)._source_gone(SOURCE) is gone


def test_a_source_that_does_not_answer_is_checked_again_later(tmp_path: Path) -> None:
    down = FetchFailed(f"{SOURCE} could not be fetched: the connection failed.", url=SOURCE)
    with pytest.raises(NotVerifiedYet, match="connection failed"):
        receipt(StandInFetcher(down), tmp_path)._source_gone(SOURCE)
    server_error = FetchFailed(f"{SOURCE} answered 503.", url=SOURCE, answered=503)
    with pytest.raises(NotVerifiedYet):
        receipt(StandInFetcher(server_error), tmp_path)._source_gone(SOURCE)


@pytest.mark.parametrize(("status", "withdrawn"), [(410, True), (404, False), (401, False)])
def test_a_refused_adaptation_notice_counts_as_withdrawn_only_for_410(
    status: int, withdrawn: bool, tmp_path: Path
) -> None:
    failed = FetchFailed(f"{SOURCE} answered {status}.", url=SOURCE, answered=status)
    assert receipt(StandInFetcher(failed), tmp_path)._source_withdrawn(SOURCE) is withdrawn
    still_there = StandInFetcher({"@id": SOURCE})
    assert receipt(still_there, tmp_path)._source_withdrawn(SOURCE) is False
