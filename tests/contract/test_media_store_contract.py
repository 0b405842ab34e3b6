"""One contract for every media store: the local folder, S3 over HTTP (moto's
standalone S3 server by default; a real server when COMMONPLACE_TEST_S3_URL is set),
and the in-memory fake the application's unit tests use."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.ports.media import MediaStore
from infra.media.local import LocalMediaStore
from infra.media.s3 import S3MediaStore
from tests.fakes import MemoryMediaStore
from tests.s3_server import s3_endpoint


@pytest.fixture(params=["local", "s3", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MediaStore]:
    if request.param == "memory":
        yield MemoryMediaStore()
        return
    if request.param == "local":
        yield LocalMediaStore(tmp_path / "media")
        return
    with s3_endpoint() as endpoint:
        s3 = S3MediaStore(
            endpoint.bucket,
            endpoint_url=endpoint.url,
            access_key=endpoint.access_key,
            secret_key=endpoint.secret_key,
            prefix="media",
        )
        s3.ensure_bucket()
        yield s3
        for key in list(s3.keys()):
            s3.delete(key)
        if os.environ.get("COMMONPLACE_TEST_S3_URL"):
            s3.client.delete_bucket(Bucket=endpoint.bucket)


def test_put_size_read_delete(store: MediaStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    store.put("objects/aa/one", io.BytesIO(data), "application/pdf")
    assert store.size("objects/aa/one") == len(data)
    assert b"".join(store.read("objects/aa/one", chunk_size=65536)) == data
    store.delete("objects/aa/one")
    assert store.size("objects/aa/one") is None
    assert not store.exists("objects/aa/one")


def test_keys_and_copy(store: MediaStore) -> None:
    store.put("staging/x", io.BytesIO(b"hello"), "text/plain")
    store.copy("staging/x", "objects/bb/y", "text/plain")
    assert sorted(store.keys()) == ["objects/bb/y", "staging/x"]
    assert list(store.keys("objects/")) == ["objects/bb/y"]
    assert b"".join(store.read("objects/bb/y")) == b"hello"


def test_deleting_a_missing_key_is_harmless(store: MediaStore) -> None:
    store.delete("objects/none/such")
    assert store.size("objects/none/such") is None


def test_reading_streams_in_chunks(store: MediaStore) -> None:
    store.put("objects/cc/big", io.BytesIO(b"x" * (2 * 1024 * 1024)), "application/pdf")
    chunks = list(store.read("objects/cc/big", chunk_size=256 * 1024))
    assert len(chunks) >= 8 and max(len(c) for c in chunks) <= 256 * 1024


def test_local_keys_cannot_leave_the_folder(tmp_path: Path) -> None:
    local = LocalMediaStore(tmp_path / "media")
    for key in ("../escape", "objects/../../escape", "/etc/passwd", "a/../../b"):
        with pytest.raises(ValueError, match="Unsafe"):
            local.put(key, io.BytesIO(b"x"), "text/plain")
