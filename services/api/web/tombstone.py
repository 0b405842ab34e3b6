"""What the tombstone page of a withdrawn artifact says about the notices sent for it.

Readers see only what the outbox shows to be true: how many sites that adapted
the work have been notified and how many are still pending (nothing at all when
no notice was called for). Editors also see why it was withdrawn (the editors'
note, e.g. which source on which site was withdrawn, and when) and each notice's
state, and are pointed to the draft, from which it may be published again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request

from domain.app.withdrawal_notices import delivery_state
from domain.errors import NotFound


def tombstone_facts(request: Request, is_editor: bool) -> dict[str, Any]:
    """Runs in the thread pool (it reads the event store and the outbox)."""
    try:
        artifact_id = UUID(str(request.path_params.get("artifact_id")))
    except ValueError:
        return {}
    container = request.app.state.container
    try:
        state = delivery_state(container.archive, container.outbox, artifact_id)
    except NotFound:
        return {}
    sites = state["sites"]
    facts: dict[str, Any] = {"told": sites if any(sites.values()) else None}
    if is_editor:
        withdrawal = state["withdrawal"] or {}
        facts["for_editors"] = {
            "id": str(artifact_id),
            "category": withdrawal.get("category") or "editorial",
            "note": withdrawal.get("note") or "",
            "notices": [n for n in state["notices"] if n["kind"] == "withdrawal"],
        }
    return facts
