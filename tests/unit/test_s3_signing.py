"""Presigned URLs are SigV4, short-lived and path-style.

moto's S3 server does not check presigned signatures or expiry, so those are
checked here, at unit level, without any server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from infra.media.s3 import S3MediaStore


def store() -> S3MediaStore:
    return S3MediaStore(
        "media",
        endpoint_url="http://127.0.0.1:9000",
        region="eu-west-2",
        access_key="AKIDEXAMPLE",
        secret_key="secret",
        expires_in=300,
        download_expires_in=60,
    )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_upload_url_is_sigv4_path_style_and_expires_in_five_minutes() -> None:
    target = store().upload_target("staging/abc", "image/png", 1000, part_size=16 * 1024 * 1024)
    assert target.url is not None
    parts = urlsplit(target.url)
    assert (parts.netloc, parts.path) == ("127.0.0.1:9000", "/media/staging/abc")
    params = query(target.url)
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert params["X-Amz-Expires"] == "300"
    assert (
        params["X-Amz-Credential"].startswith("AKIDEXAMPLE/")
        and "/eu-west-2/s3/" in params["X-Amz-Credential"]
    )
    assert "content-type" in params["X-Amz-SignedHeaders"], "the declared type is signed"
    signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    assert len(params["X-Amz-Signature"]) == 64
    assert target.headers == {"Content-Type": "image/png"}


def test_download_url_lasts_a_minute_and_fixes_type_and_disposition() -> None:
    url = store().download_url("objects/ab/cd", "application/pdf", 'attachment; filename="a.pdf"')
    assert url is not None
    params = query(url)
    assert params["X-Amz-Expires"] == "60"
    assert params["response-content-type"] == "application/pdf"
    assert params["response-content-disposition"] == 'attachment; filename="a.pdf"'
