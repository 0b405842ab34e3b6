"""Signed notices between sites, in the shape of HTTP Message Signatures (RFC 9421).

A notice is a POST whose exact body is bound by ``Content-Digest`` (RFC 9530,
``sha-256``); the signature covers the method, the target URI, that digest and
the ``Date`` header, with ``created``, ``keyid`` and ``alg`` parameters::

    Signature-Input: cp=("@method" "@target-uri" "content-digest" "date");\
created=1764567890;keyid="https://a.example/.well-known/commonplace-site.json";alg="ed25519"
    Signature: cp=:<base64 of the Ed25519 signature over the signature base>:

The signature base is RFC 9421's: one line per covered component
(``"name": value``), then ``"@signature-params": <the inner list>``, joined by
``\\n`` with no final newline. ``keyid`` is the URL of the sender's site
document, which publishes its public key (``docs/notices.md``). This module
builds and checks that shape; the keys themselves are behind ``SiteKeys``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Protocol

from domain.errors import Forbidden

WELL_KNOWN = "/.well-known/commonplace-site.json"
LABEL = "cp"
COMPONENTS = ("@method", "@target-uri", "content-digest", "date")
MAX_SKEW = 300  # seconds a signature's ``created`` may differ from the receiver's clock

_PARAMS = re.compile(
    r'^cp=\("@method" "@target-uri" "content-digest" "date"\)'
    r';created=(?P<created>\d{1,12});keyid="(?P<keyid>[^"\\]{1,500})";alg="ed25519"$'
)
_SIGNATURE = re.compile(r"^cp=:(?P<value>[A-Za-z0-9+/=]{1,200}):$")


class SiteKeys(Protocol):
    """This site's key pair (sign) and the check of another site's signature (verify)."""

    algorithm: str
    public_key: str  # base64url of the raw public key

    def sign(self, data: bytes) -> bytes: ...

    def verify(self, public_key: str, data: bytes, signature: bytes) -> bool: ...


class BadSignature(Forbidden):
    """A notice whose signature is missing, malformed or wrong (HTTP 403); nothing recorded."""

    title = "Signature not accepted"


@dataclass(frozen=True)
class Signed:
    """A request's signature as claimed, before the key is fetched."""

    key_id: str
    created: int
    base: bytes
    signature: bytes


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _params(created: int, key_id: str) -> str:
    covered = " ".join(f'"{c}"' for c in COMPONENTS)
    return f'({covered});created={created};keyid="{key_id}";alg="ed25519"'


def signature_base(target: str, digest: str, date: str, params: str) -> bytes:
    lines = [
        '"@method": POST',
        f'"@target-uri": {target}',
        f'"content-digest": {digest}',
        f'"date": {date}',
        f'"@signature-params": {params}',
    ]
    return "\n".join(lines).encode()


def sign_post(
    keys: SiteKeys, key_id: str, target: str, body: bytes, at: datetime
) -> dict[str, str]:
    """The headers that sign a POST of ``body`` to ``target`` at ``at``."""
    date = format_datetime(at, usegmt=True)
    digest = content_digest(body)
    params = _params(int(at.timestamp()), key_id)
    signature = keys.sign(signature_base(target, digest, date, params))
    return {
        "Content-Type": "application/json",
        "Date": date,
        "Content-Digest": digest,
        "Signature-Input": f"{LABEL}={params}",
        "Signature": f"{LABEL}=:{base64.b64encode(signature).decode()}:",
    }


def read_signature(target: str, body: bytes, headers: Mapping[str, str], now: float) -> Signed:
    """The signature a POST of ``body`` to ``target`` claims; ``BadSignature`` unless
    it is well formed, binds this body and target, and was made within ``MAX_SKEW``."""
    given = {k.lower(): v for k, v in headers.items()}
    missing = [
        h for h in ("signature-input", "signature", "content-digest", "date") if h not in given
    ]
    if missing:
        raise BadSignature(
            "This notice is not signed (missing " + ", ".join(missing) + "). Nothing was recorded."
        )
    params = _PARAMS.match(given["signature-input"].strip())
    value = _SIGNATURE.match(given["signature"].strip())
    if params is None or value is None:
        raise BadSignature("This notice's signature is malformed. Nothing was recorded.")
    if given["content-digest"].strip() != content_digest(body):
        raise BadSignature("This notice's body does not match its digest. Nothing was recorded.")
    created = int(params["created"])
    if abs(now - created) > MAX_SKEW:
        raise BadSignature("This notice's signature is too old or from the future.")
    try:
        signature = base64.b64decode(value["value"], validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("This notice's signature is malformed. Nothing was recorded.") from None
    inner = given["signature-input"].strip()[len(LABEL) + 1 :]
    base = signature_base(target, given["content-digest"].strip(), given["date"].strip(), inner)
    return Signed(params["keyid"], created, base, signature)
