"""Who may read or change an artifact. Refusals never reveal unseen drafts."""

from __future__ import annotations

from domain.access import Principal, Role
from domain.artifact import PUBLISHED, WITHDRAWN, Artifact
from domain.errors import Forbidden, Gone, NotFound


class NotSignedIn(Forbidden):
    """The request needs a token (HTTP 401)."""

    title = "Sign-in required"


def not_found(artifact_id: object) -> NotFound:
    return NotFound(f"No artifact {artifact_id} is visible to you.")


def may_see_draft(principal: Principal, artifact: Artifact) -> bool:
    return artifact.may_edit(principal.id, principal.is_editor)


def may_read_published(principal: Principal, published: dict[str, object] | None) -> bool:
    if published is None:
        return False
    content = published["content"]
    assert isinstance(content, dict)
    return content.get("visibility") == "public" or principal.is_member


def check_readable(principal: Principal, artifact: Artifact) -> None:
    """Raise unless the principal may read the artifact's published version."""
    if artifact.status == WITHDRAWN:
        if not may_read_published(principal, artifact.published):
            raise not_found(artifact.id)  # members-only: others may not learn it existed
        reason = (artifact.withdrawal or {}).get("reason", "")
        raise Gone(f"This artifact was withdrawn: {reason}", reason=reason)
    if artifact.status != PUBLISHED:
        raise not_found(artifact.id)
    if not may_read_published(principal, artifact.published):
        raise NotSignedIn("This artifact is visible to members; sign in with a member token.")


def check_can_edit(principal: Principal, artifact: Artifact) -> None:
    require_role(principal, Role.PARTNER, "change artifacts")
    if may_see_draft(principal, artifact):
        return
    if artifact.status == PUBLISHED and may_read_published(principal, artifact.published):
        raise Forbidden("Only this artifact's contributors and editors may change it.")
    raise not_found(artifact.id)


def require_role(principal: Principal, role: Role, action: str) -> None:
    if principal.is_anonymous:
        raise NotSignedIn(f"Sign in with a token to {action}.")
    if not principal.at_least(role):
        raise Forbidden(
            f"Your role ({principal.role.value if principal.role else '-'}) "
            f"may not {action}; it needs {role.value} or above."
        )
