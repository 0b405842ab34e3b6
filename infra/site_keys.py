"""The site's Ed25519 key pair, which signs the notices it sends to other sites.

The private key is ``site-key`` in the data directory (PKCS #8 PEM, mode 0600),
created on first use like the OAI-PMH secret: written beside it, then
hard-linked into place, so that concurrent first starts agree on one key. The
public key is published at ``/.well-known/commonplace-site.json``
(``docs/notices.md``), where receivers fetch it to check a notice's signature.
"""

from __future__ import annotations

import base64
import contextlib
import os
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FILE = "site-key"
ALGORITHM = "ed25519"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Ed25519SiteKeys:
    """The ``SiteKeys`` port of ``domain.app.signatures`` over the ``cryptography`` package."""

    algorithm = ALGORITHM

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = _b64(raw)  # base64url of the 32 raw bytes, no padding

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    @staticmethod
    def verify(public_key: str, data: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``public_key``'s over ``data`` (False for a malformed key)."""
        try:
            key = Ed25519PublicKey.from_public_bytes(_unb64(public_key))
            key.verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


def load_site_keys(data_dir: Path) -> Ed25519SiteKeys:
    """The site's keys from ``site-key`` in ``data_dir``, made on first use."""
    path = data_dir / FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        draft = data_dir / f".{FILE}.{uuid.uuid4().hex}"
        try:
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key.")
    return Ed25519SiteKeys(key)
