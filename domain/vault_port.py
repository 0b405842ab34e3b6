"""The personal-data vault: where each person's key lives, outside the event log.

Events never carry a person's name or guardian contact in clear. They carry a
sealed blob made by ``PersonalDataVault.encrypt`` with a key that belongs to
that one person. Erasing the person destroys the key (``destroy``): the blobs
stay in the immutable log, but nothing can open them any more, and ``decrypt``
answers ``ERASED``.

``InMemoryVault`` is the port's fake for unit tests; it keeps its keys in a
dictionary and vanishes with the process. The adapters that keep keys on disk
are in ``infra/vault.py``; one contract suite runs against all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from abc import ABC, abstractmethod
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from domain.errors import Conflict


class Erased(Enum):
    """The answer for data of a person whose key was destroyed."""

    ERASED = "erased"

    def __repr__(self) -> str:
        return "ERASED"


ERASED = Erased.ERASED
Personal = dict[str, Any] | Literal[Erased.ERASED]


class VaultError(Exception):
    """A sealed blob cannot be opened for a reason other than erasure."""


class SealBroken(VaultError):
    """The blob was altered, or it was sealed for another person."""


class KeyMissing(VaultError):
    """No key for a person who was never erased: the vault and the log disagree."""


class PersonErased(Conflict):
    """New personal data for a person who asked to be removed is refused (HTTP 409)."""

    title = "Person erased"


class PersonalDataVault(ABC):
    """Seals and opens one person's personal fields; forgets them for good on request."""

    @abstractmethod
    def encrypt(self, person_id: UUID, fields: dict[str, Any]) -> bytes:
        """Seal ``fields`` (JSON-able) with the person's key, creating it on first use.

        Raises ``PersonErased`` once the person's key was destroyed.
        """

    @abstractmethod
    def decrypt(self, person_id: UUID, sealed: bytes) -> Personal:
        """The fields, or ``ERASED`` when the person's key was destroyed."""

    @abstractmethod
    def destroy(self, person_id: UUID) -> None:
        """Destroy the person's key so that nothing sealed with it can be opened.

        Idempotent; a person with no key yet is remembered as erased too.
        """

    @abstractmethod
    def is_erased(self, person_id: UUID) -> bool: ...

    def purge(self, wait: float | None = None) -> bool:
        """Clear what destroyed keys may have left in storage; ``False`` if some may remain.

        ``destroy`` purges too, waiting briefly; the indexer calls this again
        (``wait=0``: never holding its loop) for the cases ``destroy`` had to
        leave (a long transaction, a busy file). ``wait`` is how long to wait
        for what holds the purge back; ``None`` is the adapter's default.
        """
        return True

    def close(self) -> None:  # noqa: B027 -- most adapters hold nothing to release
        """Release connections, if the adapter holds any."""


def to_plaintext(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")


def from_plaintext(data: bytes) -> dict[str, Any]:
    fields = json.loads(data.decode("utf-8"))
    if not isinstance(fields, dict):
        raise SealBroken("A sealed blob did not hold a set of fields.")
    return fields


def associated_data(person_id: UUID) -> bytes:
    """Binds a blob to its person: opening it as another person's fails."""
    return b"commonplace-person:" + person_id.bytes


class InMemoryVault(PersonalDataVault):
    """The fake for unit tests: keys in a dictionary, a standard-library stream cipher.

    The keystream is SHAKE-256 of key and nonce, the tag an HMAC-SHA-256, so the
    blobs hide the fields as real ones do; it is not meant to protect anything.
    """

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}
        self.erased: set[UUID] = set()

    def encrypt(self, person_id: UUID, fields: dict[str, Any]) -> bytes:
        if person_id in self.erased:
            raise PersonErased("This person asked to be removed.", person=str(person_id))
        key = self.keys.setdefault(person_id, secrets.token_bytes(32))
        nonce = secrets.token_bytes(16)
        plaintext = to_plaintext(fields)
        body = _xor(plaintext, hashlib.shake_256(key + nonce).digest(len(plaintext)))
        return nonce + body + _tag(key, person_id, nonce + body)

    def decrypt(self, person_id: UUID, sealed: bytes) -> Personal:
        if person_id in self.erased:
            return ERASED
        key = self.keys.get(person_id)
        if key is None:
            raise KeyMissing(f"No key for person {person_id}.")
        nonce, body, tag = sealed[:16], sealed[16:-16], sealed[-16:]
        if len(sealed) < 32 or not hmac.compare_digest(tag, _tag(key, person_id, nonce + body)):
            raise SealBroken(f"A blob did not open with the key of person {person_id}.")
        return from_plaintext(_xor(body, hashlib.shake_256(key + nonce).digest(len(body))))

    def destroy(self, person_id: UUID) -> None:
        self.keys.pop(person_id, None)
        self.erased.add(person_id)

    def is_erased(self, person_id: UUID) -> bool:
        return person_id in self.erased


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _tag(key: bytes, person_id: UUID, data: bytes) -> bytes:
    return hmac.new(key, associated_data(person_id) + data, hashlib.sha256).digest()[:16]
