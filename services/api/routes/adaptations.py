"""Adaptations across sites: adapt, receive notices, read lineage, see the outbox.

Also the site document (``/.well-known/commonplace-site.json``) with the public key
that signs this site's withdrawal notices (``docs/notices.md``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.access import Role
from domain.app.adaptation_receipt import TooManyPending
from domain.app.withdrawal_notices import delivery_state
from domain.app.withdrawal_receipt import NotVerifiedYet
from domain.errors import Conflict, NotFound
from domain.outbox import FAILED, STATES, OutboxEntry
from domain.policy import require_role
from infra.fetch import FetchBusy
from services.api.artifact_answers import AnswersDep
from services.api.deps import AdaptationsDep, ArchiveDep, OutboxDep, PrincipalDep, SettingsDep
from services.api.responses import JSON, problem
from services.api.schemas import AdaptationNotice, AdaptationRequest

router = APIRouter(tags=["adaptations"])
T = TypeVar("T")
BUSY: dict[int | str, dict[str, Any]] = {
    503: {"description": "Too many fetches of other sites at once; see Retry-After"}
}


async def fetching(call: Callable[..., T], *args: Any) -> T | Response:
    """Runs a call that fetches other sites in the thread pool; busy means 503, not a queue."""
    try:
        return await run_in_threadpool(call, *args)
    except FetchBusy as busy:
        return problem(503, busy.title, busy.detail, headers={"Retry-After": str(busy.retry_after)})


@router.post("/api/v1/adaptations", status_code=201, responses=BUSY)
async def adapt(
    body: AdaptationRequest,
    adaptations: AdaptationsDep,
    answers: AnswersDep,
    principal: PrincipalDep,
) -> Any:
    """A new draft for your place, prefilled from a local or remote Commonplace artifact."""
    source = body.source.model_dump(exclude_none=True)
    result = await fetching(adaptations.adapt, principal, source, body.place, body.kind)
    if isinstance(result, Response):
        return result
    return await run_in_threadpool(answers.written, principal, result, status=201)


@router.post(
    "/api/v1/artifacts/{artifact_id}/adaptation-notices",
    status_code=202,
    responses={
        200: {"description": "Already recorded, waiting or refused: what became of it"},
        202: {"description": "Kept; the adaptation is verified and recorded after the request"},
        404: {"description": "No artifact published publicly here with this id"},
        409: {"description": "The people in this work agreed to sharing it, not adapting it"},
        422: {"description": "Not the http(s) address of a work, or an address never fetched"},
        429: {"description": "Too many notices from this site wait; see Retry-After"},
        503: {"description": "Too many notices wait in all; see Retry-After"},
    },
)
def adaptation_notice(
    artifact_id: UUID, body: AdaptationNotice, adaptations: AdaptationsDep, outbox: OutboxDep
) -> Response:
    """Another site reports an adaptation of this artifact (no fetch in the request).

    What can be checked here is checked now; the notice is then kept, and the indexer's
    outbox follower fetches the adaptation's JSON-LD, follows ``isBasedOn`` back to this
    artifact and records the adaptation, or refuses the notice with the reason (editors
    see it at ``/notices``). 202 when kept, 200 when this adaptation or notice id was
    already recorded or kept. See docs/notices.md.
    """
    receipt = adaptations.notices.receipt
    try:
        answer = receipt.receive(artifact_id, body.adaptation_url, body.notice_id, outbox)
    except TooManyPending as full:
        headers = {"Retry-After": str(full.retry_after)}
        return problem(full.status, full.title, full.detail, headers=headers)
    return JSON(answer, 202 if answer["recorded"] else 200)


@router.post(
    "/api/v1/artifacts/{artifact_id}/withdrawal-notices",
    status_code=202,
    responses={
        **BUSY,
        403: {"description": "Unsigned, or the signature does not verify; nothing recorded"},
        422: {"description": "This artifact was not adapted from that work"},
    },
)
async def withdrawal_notice(
    artifact_id: UUID, request: Request, adaptations: AdaptationsDep, outbox: OutboxDep
) -> Response:
    """Another site says the work this adaptation was made from was withdrawn (signed).

    The signature is checked with the sender's published key now; the notice is then
    kept, and the indexer's outbox follower confirms the source is gone and withdraws
    the adaptation until an editor reviews it. 202 when accepted, 200 when this notice
    was already received. See docs/notices.md for the format.
    """
    body = await request.body()
    headers = dict(request.headers)
    receipt = adaptations.withdrawals.receipt
    try:
        answer = await fetching(receipt.receive, artifact_id, body, headers, outbox)
    except NotVerifiedYet as later:
        return problem(503, later.title, later.detail, headers={"Retry-After": "30"})
    if isinstance(answer, Response):
        return answer
    return JSON(answer, 202 if answer["recorded"] else 200)


@router.get("/api/v1/artifacts/{artifact_id}/notices")
async def artifact_notices(
    artifact_id: UUID, archive: ArchiveDep, outbox: OutboxDep, principal: PrincipalDep
) -> JSON:
    """Editors: why the artifact was withdrawn (the editors' note) and the notices about it,
    sent, pending with the next try, or failed with the reason."""
    require_role(principal, Role.EDITOR, "see an artifact's notices")
    return JSON(await run_in_threadpool(delivery_state, archive, outbox, artifact_id))


@router.get("/.well-known/commonplace-site.json", tags=["system"])
def site_document(adaptations: AdaptationsDep, settings: SettingsDep) -> JSON:
    """This site's public key, which verifies the notices it signs."""
    return JSON(adaptations.withdrawals.site_document(settings.site_name))


@router.get("/api/v1/artifacts/{artifact_id}/lineage")
async def lineage(artifact_id: UUID, adaptations: AdaptationsDep, principal: PrincipalDep) -> JSON:
    """Ancestors back to the origin and descendants, across generations and sites.

    Only what the reader may see: a source the reader may not read is left out,
    with everything beyond it.
    """
    graph = await run_in_threadpool(adaptations.lineage, principal, artifact_id)
    return JSON(graph)


@router.get("/api/v1/outbox", tags=["system"])
async def outbox(
    outbox: OutboxDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(pattern="^(pending|sent|failed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> JSON:
    """Notices to other sites (editors): sent, pending with the next try, failed with why."""
    require_role(principal, Role.EDITOR, "see the outbox")
    entries = await run_in_threadpool(outbox.entries, state, limit)
    counts = await run_in_threadpool(outbox.counts)
    shown = {s: counts.get(s, 0) for s in STATES}
    return JSON({"counts": shown, "entries": [_entry(e) for e in entries]})


@router.post("/api/v1/outbox/{notice_id}/retry", tags=["system"])
async def retry_notice(notice_id: str, outbox: OutboxDep, principal: PrincipalDep) -> JSON:
    """Send a failed notice again (editors): it is pending at once, with its attempts reset."""
    require_role(principal, Role.EDITOR, "retry notices")
    entry = await run_in_threadpool(outbox.get, notice_id)
    if entry is None:
        raise NotFound(f"No notice {notice_id} in the outbox.")
    if entry.state != FAILED:
        raise Conflict(f"Notice {notice_id} is {entry.state}; only a failed notice is retried.")
    note = f"Sent again at an editor's request (before: {entry.last_error})"
    await run_in_threadpool(outbox.retry, notice_id, 0, time.time(), note)
    again = await run_in_threadpool(outbox.get, notice_id)
    assert again is not None
    return JSON(_entry(again))


def _entry(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.notice.id,
        "kind": entry.notice.kind,
        "target": entry.notice.target,
        "payload": entry.notice.payload,
        "position": entry.notice.position,
        "state": entry.state,
        "attempts": entry.attempts,
        "created_at": entry.created_at,
        "next_attempt_at": entry.next_attempt_at if entry.state == "pending" else None,
        "last_error": entry.last_error if entry.state != "sent" else None,
        "sent_at": entry.sent_at,
        "note": entry.last_error if entry.state == "sent" else None,
    }
