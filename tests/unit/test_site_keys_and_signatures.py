"""The site's Ed25519 keys and the RFC 9421-shaped signature of notices."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.app.signatures import BadSignature, read_signature, sign_post
from infra.site_keys import load_site_keys

TARGET = "https://b.example/api/v1/artifacts/1/withdrawal-notices"
KEY_ID = "https://a.example/.well-known/commonplace-site.json"
AT = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def test_the_key_is_made_once_private_to_the_owner_and_kept(tmp_path: Path) -> None:
    first = load_site_keys(tmp_path)
    mode = stat.S_IMODE((tmp_path / "site-key").stat().st_mode)
    assert mode == 0o600
    again = load_site_keys(tmp_path)
    assert again.public_key == first.public_key
    assert load_site_keys(tmp_path / "other").public_key != first.public_key
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_signed_post_verifies_and_any_change_breaks_it(tmp_path: Path) -> None:
    keys = load_site_keys(tmp_path)
    body = b'{"notice_id":"n1"}'
    headers = sign_post(keys, KEY_ID, TARGET, body, AT)
    assert headers["Signature-Input"].startswith(
        'cp=("@method" "@target-uri" "content-digest" "date");created='
    )
    signed = read_signature(TARGET, body, headers, AT.timestamp())
    assert signed.key_id == KEY_ID
    assert keys.verify(keys.public_key, signed.base, signed.signature)
    other = load_site_keys(tmp_path / "other")
    assert not keys.verify(other.public_key, signed.base, signed.signature)
    # Another target: the base differs, so the same signature no longer verifies.
    moved = read_signature(TARGET.replace("/1/", "/2/"), body, headers, AT.timestamp())
    assert not keys.verify(keys.public_key, moved.base, moved.signature)
    assert not keys.verify("not a key", signed.base, signed.signature)


def test_an_unsigned_altered_or_stale_notice_is_refused(tmp_path: Path) -> None:
    keys = load_site_keys(tmp_path)
    body = b'{"notice_id":"n1"}'
    headers = sign_post(keys, KEY_ID, TARGET, body, AT)
    with pytest.raises(BadSignature, match="not signed"):
        read_signature(TARGET, body, {"Date": headers["Date"]}, AT.timestamp())
    with pytest.raises(BadSignature, match="digest"):
        read_signature(TARGET, b'{"notice_id":"n2"}', headers, AT.timestamp())
    with pytest.raises(BadSignature, match="too old"):
        read_signature(TARGET, body, headers, AT.timestamp() + 3600)
    with pytest.raises(BadSignature, match="malformed"):
        read_signature(TARGET, body, {**headers, "Signature": "cp=:!!:"}, AT.timestamp())
