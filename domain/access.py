"""Who may do what: roles, principals and access tokens.

Tokens are random strings handed out once; only their SHA-256 is stored, as
the identity of an ``AccessToken`` aggregate, so a token can be checked with
one lookup and revoked with one event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "https://commonplace.invalid/tokens")
TOKEN_PREFIX = "cp_"


class Role(StrEnum):
    MEMBER = "member"
    PARTNER = "partner"
    EDITOR = "editor"
    ADMIN = "admin"


_RANK = {Role.MEMBER: 1, Role.PARTNER: 2, Role.EDITOR: 3, Role.ADMIN: 4}


@dataclass(frozen=True)
class Principal:
    """Someone making a request. ``id`` is ``None`` for anonymous readers."""

    id: str | None
    name: str
    role: Role | None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    def at_least(self, role: Role) -> bool:
        return self.role is not None and _RANK[self.role] >= _RANK[role]

    @property
    def is_member(self) -> bool:
        return self.at_least(Role.MEMBER)

    @property
    def is_editor(self) -> bool:
        return self.at_least(Role.EDITOR)


ANONYMOUS = Principal(id=None, name="anonymous", role=None)
SYSTEM = Principal(id="system", name="Commonplace", role=Role.ADMIN)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id_for(token: str) -> UUID:
    return uuid5(TOKEN_NAMESPACE, hash_token(token))


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class AccessToken(Aggregate):
    """An access token. Its id derives from the token's hash; the token itself is never stored."""

    id: UUID

    @event("Issued")
    def __init__(self, name: str, role: str, issued_by: str) -> None:
        self.name = name
        self.role = role
        self.issued_by = issued_by
        self.revoked = False
        self.email: str | None = None

    @event("EmailSet")
    def set_email(self, email: str | None) -> None:
        """Where this principal's notifications are emailed (None: nowhere)."""
        self.email = email

    @event("Revoked")
    def revoke(self, by: str) -> None:
        self.revoked = True

    def principal(self) -> Principal:
        return Principal(id=str(self.id), name=self.name, role=Role(self.role))
