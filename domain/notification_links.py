"""Where a notification points its reader: one site-relative page per kind, the same
in the inbox and in emails. A draft's notifications point at the draft's own pages
(an unpublished draft has no ``/artifacts/{id}`` page), a published artifact's at its
public page, a response waiting for moderation at the moderation queue, and a
moderated response at its place under the artifact."""

from __future__ import annotations

from typing import Any

from domain.notifications import (
    ADAPTED,
    ANSWERED,
    PUBLISHED,
    RESPONSE_APPROVED,
    RESPONSE_DECLINED,
    RESPONSE_PENDING,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
)

# Where each kind's reader goes: the draft's pages while it is a draft, the public page
# once published, the moderation queue for a response to moderate.
DRAFT_PAGE = "/drafts/{artifact_id}"
CONVERSATION_PAGE = "/drafts/{artifact_id}/edit#conversation-{artifact_id}"
PUBLIC_PAGE = "/artifacts/{artifact_id}"
RESPONSE_PAGE = "/artifacts/{artifact_id}#response-{response_id}"
LINKS = {
    SUBMITTED: DRAFT_PAGE,
    RETURNED: CONVERSATION_PAGE,
    ANSWERED: CONVERSATION_PAGE,
    PUBLISHED: PUBLIC_PAGE,
    WITHDRAWN: PUBLIC_PAGE,
    ADAPTED: PUBLIC_PAGE,
    RESPONSE_PENDING: "/responses/moderation#response-{response_id}",
    RESPONSE_APPROVED: RESPONSE_PAGE,
    RESPONSE_DECLINED: RESPONSE_PAGE,
}


def link(kind: str, artifact_id: str | None, detail: dict[str, Any] | None = None) -> str:
    """The site-relative page a notification of ``kind`` points at ("" for none)."""
    template = LINKS.get(kind)
    if template is None or not artifact_id:
        return ""
    response_id = str((detail or {}).get("response_id") or "")
    if "{response_id}" in template and not response_id:
        template = template.split("#", 1)[0]
    return template.format(artifact_id=artifact_id, response_id=response_id)
