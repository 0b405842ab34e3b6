"""Access tokens: issuing, checking, listing and revoking them."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from domain import policy
from domain.access import SYSTEM, AccessToken, Principal, Role, new_token, token_id_for
from domain.catalogue import event_topic
from domain.errors import InvalidInput, NotFound
from domain.store import Store

TOKEN_CACHE_SECONDS = 2.0


class Tokens:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[UUID, tuple[Principal | None, float]] = {}

    def issue(
        self, role: str, name: str, by: Principal = SYSTEM, email: str | None = None
    ) -> tuple[str, str]:
        """Returns the token (to show once) and its id."""
        policy.require_role(by, Role.ADMIN, "issue tokens")
        try:
            Role(role)
        except ValueError:
            raise InvalidInput(
                f"Unknown role {role!r}; use one of: {', '.join(r.value for r in Role)}.",
                field="role",
            ) from None
        if not name.strip():
            raise InvalidInput("A token needs a name saying whose it is.", field="name")
        email = _checked_email(email)
        token = new_token()
        record = AccessToken(  # type: ignore[call-arg]
            id=token_id_for(token), name=name.strip(), role=role, issued_by=str(by.id)
        )
        if email:
            record.set_email(email)
        self.store.save(record)
        return token, str(record.id)

    def remembered(self, token: str) -> tuple[bool, Principal | None]:
        """(True, the answer) when a recent answer for this token is in memory, else
        (False, None). Never reads the store, so it may run on an event loop."""
        cached = self._cache.get(token_id_for(token))
        if cached is not None and cached[1] > time.monotonic():
            return True, cached[0]
        return False, None

    def authenticate(self, token: str) -> Principal | None:
        """The principal a token stands for; answers are cached for a couple of seconds,
        so a revocation made by another process takes effect within that time."""
        known, principal = self.remembered(token)
        if known:
            return principal
        token_id = token_id_for(token)
        try:
            record: AccessToken | None = self.store.load(AccessToken, token_id)
        except NotFound:
            record = None
        principal = record.principal() if record is not None and not record.revoked else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token_id] = (principal, time.monotonic() + TOKEN_CACHE_SECONDS)
        return principal

    def issued(self) -> list[dict[str, Any]]:
        """Every token ever issued, revoked or not (never the token itself)."""
        tokens = []
        for _, token_id in self.store.ids_of(event_topic(AccessToken, "Issued")):
            record = self.store.load(AccessToken, token_id)
            tokens.append(
                {
                    "id": str(record.id),
                    "name": record.name,
                    "role": record.role,
                    "revoked": record.revoked,
                    "email": getattr(record, "email", None),
                    "issued_at": record.created_on,
                }
            )
        return tokens

    def revoke(self, token_id: UUID, by: Principal = SYSTEM) -> None:
        policy.require_role(by, Role.ADMIN, "revoke tokens")
        record = self.store.load(AccessToken, token_id)
        if not record.revoked:
            record.revoke(by=str(by.id))
            self.store.save(record)
        self._cache.pop(token_id, None)


def _checked_email(email: str | None) -> str | None:
    """An address for notifications, or None; a plainly wrong one is refused."""
    email = (email or "").strip()
    if not email:
        return None
    local, _, domain = email.rpartition("@")
    if not local or "." not in domain or any(c.isspace() or c in "<>," for c in email):
        raise InvalidInput(f"{email!r} is not an email address.", field="email")
    return email
