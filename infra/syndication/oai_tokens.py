"""OAI-PMH resumption tokens: opaque, signed with HMAC-SHA256, expiring.

A token carries the position a list reached, its original arguments, the cursor
and the list size, so that a harvest resumes without any state on the server.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra.syndication.oai_protocol import TOKEN_TTL_SECONDS, Harvest, OAIError, datestamp


def load_secret(data_dir: Path) -> bytes:
    """The key that signs resumption tokens: ``oai-secret`` in the data directory.

    Created on first use (atomically: written beside it, then hard-linked into
    place, so that concurrent first starts agree on one key).
    """
    path = data_dir / "oai-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".oai-secret.{uuid.uuid4().hex}"
        try:
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(draft, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
        finally:
            draft.unlink(missing_ok=True)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret; delete it to create a new one.")
    return secret.encode()


class Tokens:
    """Opaque, signed, expiring resumption tokens."""

    def __init__(
        self, secret: bytes, ttl: float = TOKEN_TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.key = hashlib.sha256(b"commonplace oai-pmh resumption token\0" + secret).digest()
        self.ttl = ttl
        self.clock = clock

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()[:18]

    def issue(self, harvest: Harvest) -> tuple[str, float]:
        """The token for ``harvest``, and when it expires."""
        expires = float(int(self.clock() + self.ttl))
        state = {
            "v": harvest.verb,
            "m": harvest.prefix,
            "f": harvest.from_ts,
            "u": harvest.until_ts,
            "s": harvest.setspec,
            "a": harvest.after_seq,
            "c": harvest.cursor,
            "t": harvest.total,
            "x": expires,
        }
        payload = json.dumps(state, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}", expires

    def read(self, token: str, verb: str) -> Harvest:
        try:
            encoded, _, signature = token.partition(".")
            payload = _unb64(encoded)
            if not hmac.compare_digest(_unb64(signature), self._sign(payload)):
                raise ValueError("signature")
            state = json.loads(payload)
            harvest = Harvest(
                verb=_typed(state["v"], str),
                prefix=_typed(state["m"], str),
                from_ts=_optional_number(state["f"]),
                until_ts=_optional_number(state["u"]),
                setspec=_typed(state["s"], str) if state["s"] is not None else None,
                after_seq=_typed(state["a"], int),
                cursor=_typed(state["c"], int),
                total=_typed(state["t"], int),
            )
            expires = float(_optional_number(state["x"]) or 0)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
            raise OAIError(
                "badResumptionToken", "This resumptionToken is not one this repository issued."
            ) from None
        if harvest.verb != verb:
            raise OAIError("badResumptionToken", f"This resumptionToken is not for {verb}.")
        if expires < self.clock():
            raise OAIError(
                "badResumptionToken",
                f"This resumptionToken expired at {datestamp(expires)}; start the list again.",
            )
        return harvest


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"expected {kind.__name__}")
    return value


def _optional_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number")
    return float(value)
