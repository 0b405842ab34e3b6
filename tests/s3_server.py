"""An S3 protocol server for tests: moto's standalone server on a loopback port.

It speaks S3 over real HTTP, so boto3 and presigned URLs are exercised for
real; it does NOT verify presigned signatures or their expiry (see
tests/unit/test_s3_signing.py for that). Setting COMMONPLACE_TEST_S3_URL (and
COMMONPLACE_TEST_S3_KEY / COMMONPLACE_TEST_S3_SECRET) points the same tests at
a real server such as MinIO instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    access_key: str
    secret_key: str
    bucket: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def s3_endpoint() -> Iterator[S3Endpoint]:
    bucket = f"cp-test-{uuid.uuid4().hex[:12]}"
    real = os.environ.get("COMMONPLACE_TEST_S3_URL")
    if real:
        yield S3Endpoint(
            real,
            os.environ.get("COMMONPLACE_TEST_S3_KEY", "commonplace"),
            os.environ.get("COMMONPLACE_TEST_S3_SECRET", "commonplace-secret"),
            bucket,
        )
        return
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Endpoint(f"http://127.0.0.1:{port}", "test-key", "test-secret", bucket)
    finally:
        server.stop()
