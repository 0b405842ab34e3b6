"""Response commands (``archive.responses``): submit, moderate, withdraw and read the
responses to published artifacts (the rules are in ``domain/response.py``).

Who sees what, wherever responses are shown (the API, the pages, JSON-LD):

- an approved response: whoever may read its artifact's published version;
- a pending or declined one: its author and the editors (the reason for declining too);
- a withdrawn one, or any response of an artifact no longer published: nobody.

Responses are read straight from their aggregates: an artifact's through its
``ResponseThread``, the moderation queue by walking the log's ``Response.Submitted``
events. Responses are few (a handful per artifact, a few pending at a time), so no
read model is kept; one projected by the indexer is the step to take if they grow.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain import policy
from domain.access import ANONYMOUS, Principal, Role
from domain.artifact import PUBLISHED, Artifact
from domain.catalogue import event_topic
from domain.errors import Conflict, NotFound
from domain.response import (
    APPROVED,
    PENDING,
    WITHDRAWN,
    Response,
    ResponseThread,
    response_text,
    thread_id,
)
from domain.results import CommandResult, result_of
from domain.store import Store

SUBMITTED_TOPIC = event_topic(Response, "Submitted")
MAX_QUEUE = 200


def _not_found(response_id: object) -> NotFound:
    return NotFound(f"No response {response_id} is visible to you.")


class ResponseCommands:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading the pieces ----------------------------------------------------

    def _artifact(self, artifact_id: UUID | str) -> Artifact | None:
        try:
            return self.store.load(Artifact, UUID(str(artifact_id)))
        except NotFound:
            return None

    def _response(self, response_id: UUID | str) -> Response:
        try:
            return self.store.load(Response, UUID(str(response_id)))
        except (NotFound, ValueError):
            raise _not_found(response_id) from None

    @staticmethod
    def _readable(principal: Principal, artifact: Artifact | None) -> bool:
        return (
            artifact is not None
            and artifact.status == PUBLISHED
            and policy.may_read_published(principal, artifact.published)
        )

    @staticmethod
    def _private(principal: Principal, response: Response) -> bool:
        return principal.is_editor or (principal.id is not None and principal.id == response.author)

    def _visible(self, principal: Principal, response: Response, artifact: Artifact | None) -> bool:
        if response.status == WITHDRAWN or not self._readable(principal, artifact):
            return False
        return response.status == APPROVED or self._private(principal, response)

    def _view(self, principal: Principal, response: Response) -> dict[str, Any]:
        found = response.view(private=self._private(principal, response))
        found["mine"] = principal.id is not None and principal.id == response.author
        return found

    # -- commands ----------------------------------------------------------------

    def submit(
        self, principal: Principal, artifact_id: UUID, text: str, syndicate: bool = False
    ) -> CommandResult:
        """Respond to a published artifact the principal may read (members and above)."""
        policy.require_role(principal, Role.MEMBER, "respond to artifacts")
        assert principal.id is not None
        artifact = self._artifact(artifact_id)
        if artifact is None:
            raise policy.not_found(artifact_id)
        policy.check_readable(principal, artifact)  # 404, 410 or 401 as for reading it
        response = Response(  # type: ignore[call-arg]
            id=uuid4(),
            artifact_id=str(artifact_id),
            author=principal.id,
            author_name=principal.name,
            text=response_text(text),
            syndicate=bool(syndicate),
        )
        thread = self._thread(artifact_id)
        thread.add(str(response.id))
        return result_of(response, self.store.save(response, thread))

    def _thread(self, artifact_id: UUID | str) -> ResponseThread:
        tid = thread_id(artifact_id)
        if self.store.exists(tid):
            return self.store.load(ResponseThread, tid)
        return ResponseThread(id=tid, artifact_id=str(artifact_id))  # type: ignore[call-arg]

    def _moderated(self, principal: Principal, response_id: UUID | str) -> Response:
        policy.require_role(principal, Role.EDITOR, "moderate responses")
        response = self._response(response_id)
        if response.status == WITHDRAWN:
            raise _not_found(response_id)
        artifact = self._artifact(response.artifact_id)
        if artifact is None or artifact.status != PUBLISHED:
            raise Conflict(
                "The artifact of this response is no longer published, so the response "
                "cannot be moderated."
            )
        return response

    def approve(self, principal: Principal, response_id: UUID | str) -> CommandResult:
        """Approve a pending response: its artifact's readers see it from now on."""
        response = self._moderated(principal, response_id)
        assert principal.id is not None
        response.approve(by=principal.id)
        return result_of(response, self.store.save(response))

    def decline(self, principal: Principal, response_id: UUID | str, reason: str) -> CommandResult:
        """Decline a pending response with a reason that its author sees."""
        response = self._moderated(principal, response_id)
        assert principal.id is not None
        response.decline(by=principal.id, reason=reason)
        return result_of(response, self.store.save(response))

    def withdraw(self, principal: Principal, response_id: UUID | str) -> CommandResult:
        """Its author withdraws a response, whatever its state: it is gone at once."""
        policy.require_role(principal, Role.MEMBER, "withdraw a response")
        assert principal.id is not None
        response = self._response(response_id)
        if response.author != principal.id:
            if self._visible(principal, response, self._artifact(response.artifact_id)):
                response.withdraw(by=principal.id)  # refused: only its author may
            raise _not_found(response_id)
        response.withdraw(by=principal.id)
        return result_of(response, self.store.save(response))

    # -- queries -------------------------------------------------------------------

    def get(self, principal: Principal, response_id: UUID | str) -> dict[str, Any]:
        response = self._response(response_id)
        if not self._visible(principal, response, self._artifact(response.artifact_id)):
            raise _not_found(response_id)
        return self._view(principal, response)

    def of_artifact(self, principal: Principal, artifact_id: UUID) -> list[dict[str, Any]]:
        """The responses the principal may see under a published artifact, oldest first.

        Refused as reading the artifact is (404, 410, 401)."""
        artifact = self._artifact(artifact_id)
        if artifact is None:
            raise policy.not_found(artifact_id)
        policy.check_readable(principal, artifact)
        return [
            self._view(principal, response)
            for response in self._responses(artifact_id)
            if self._visible(principal, response, artifact)
        ]

    def _responses(self, artifact_id: UUID | str) -> list[Response]:
        tid = thread_id(artifact_id)
        if not self.store.exists(tid):
            return []
        thread = self.store.load(ResponseThread, tid)
        return [self.store.load(Response, UUID(rid)) for rid in thread.response_ids]

    def syndicated(self, artifact_id: UUID | str) -> list[dict[str, Any]]:
        """Approved responses whose authors chose to syndicate them, for the public
        record of a public, published artifact (JSON-LD ``comment``); otherwise none."""
        artifact = self._artifact(artifact_id)
        if not self._readable(ANONYMOUS, artifact):
            return []
        return [
            r.view(private=False)
            for r in self._responses(artifact_id)
            if r.status == APPROVED and r.syndicate
        ]

    def queue(self, principal: Principal) -> list[dict[str, Any]]:
        """The responses waiting for moderation (editors), oldest first, with their
        artifact's title; responses of artifacts no longer published are left out."""
        policy.require_role(principal, Role.EDITOR, "moderate responses")
        found: list[dict[str, Any]] = []
        for _position, response_id in self.store.ids_of(SUBMITTED_TOPIC):
            response = self.store.load(Response, response_id)
            if response.status != PENDING:
                continue
            artifact = self._artifact(response.artifact_id)
            if artifact is None or artifact.status != PUBLISHED:
                continue
            title = str(((artifact.published or {}).get("content") or {}).get("title") or "")
            found.append({**self._view(principal, response), "artifact_title": title})
            if len(found) >= MAX_QUEUE:
                break
        return found
