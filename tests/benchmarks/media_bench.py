"""Media benchmarks: upload-and-complete of 1 MB photos, and streaming a 100 MB file.

    python -m tests.benchmarks.media_bench [--images N] [--stream-mb M]

Everything goes through HTTP to a real uvicorn server on loopback, with the
local-folder store. Peak memory is the process's resident high-water mark
(ru_maxrss) before and after the 100 MB file went up, was checked and came back:
if any step held the whole file in memory it would rise by about 100 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from tests.benchmarks.server import BackgroundServer
from tests.benchmarks.stats import Sample
from tests.conftest import READY_STORY, seed_places

CHUNK = 1024 * 1024


def photo(seed: int) -> bytes:
    """A JPEG of about 1 MB (920 x 920 px of noise, which does not compress away)."""
    rng = random.Random(seed)
    side = 920
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def upload(
    client: httpx.Client, auth: dict[str, str], story: str, data: bytes, **meta: Any
) -> dict[str, Any]:
    declared = client.post(
        f"/api/v1/artifacts/{story}/media",
        json={
            "filename": meta.get("filename", "photo.jpg"),
            "content_type": meta.get("type", "image/jpeg"),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "alt": "A photo",
        },
        headers=auth,
    )
    declared.raise_for_status()
    body = declared.json()
    client.put(
        body["upload"]["url"], content=data, headers={**auth, **body["upload"]["headers"]}
    ).raise_for_status()
    done = client.post(body["complete_url"], headers=auth)
    done.raise_for_status()
    return dict(body)


def images(client: httpx.Client, auth: dict[str, str], story: str, n: int) -> tuple[Sample, int]:
    payloads = [photo(seed) for seed in range(n + 3)]
    for data in payloads[:3]:
        upload(client, auth, story, data)  # warm-up
    sample = Sample("upload+complete 1 MB JPEG")
    started = time.perf_counter_ns()
    for data in payloads[3:]:
        t0 = time.perf_counter_ns()
        upload(client, auth, story, data)
        sample.add(time.perf_counter_ns() - t0)
    sample.wall_ns = time.perf_counter_ns() - started
    return sample, sum(len(p) for p in payloads[3:]) // max(1, n)


def big_file(megabytes: int) -> tuple[Iterator[bytes], int, str]:
    header = b"%PDF-1.4\n"
    size = megabytes * 1024 * 1024
    digest = hashlib.sha256()

    def blocks() -> Iterator[bytes]:
        yield header
        remaining = size - len(header)
        block = bytes(range(256)) * (CHUNK // 256)
        while remaining > 0:
            piece = block[: min(CHUNK, remaining)]
            remaining -= len(piece)
            yield piece

    for piece in blocks():
        digest.update(piece)
    return blocks(), size, digest.hexdigest()


def stream(
    client: httpx.Client, auth: dict[str, str], story: str, megabytes: int
) -> dict[str, float]:
    _, size, sha = big_file(megabytes)
    declared = client.post(
        f"/api/v1/artifacts/{story}/media",
        json={
            "filename": "big.pdf",
            "content_type": "application/pdf",
            "size": size,
            "sha256": sha,
        },
        headers=auth,
    ).json()
    before = peak_mib()
    parts = declared["upload"]["parts"]
    part_size = declared["upload"]["part_size"]
    t0 = time.perf_counter()
    blocks, _, _ = big_file(megabytes)
    buffer = b""
    for part in parts:

        def part_body(first: bytes = b"") -> Iterator[bytes]:
            nonlocal buffer
            sent = 0
            chunk = first
            while True:
                if chunk:
                    take = chunk[: part_size - sent]
                    buffer = chunk[len(take) :]
                    sent += len(take)
                    yield take
                    if sent >= part_size:
                        return
                try:
                    chunk = next(blocks)
                except StopIteration:
                    return

        pending, buffer = buffer, b""
        client.put(part["url"], content=part_body(pending), headers=auth).raise_for_status()
    t1 = time.perf_counter()
    client.post(
        declared["complete_url"],
        json={"parts": [{"part_number": p["part_number"]} for p in parts]},
        headers=auth,
    ).raise_for_status()
    t2 = time.perf_counter()
    received = 0
    with client.stream("GET", f"/media/{declared['media_id']}", headers=auth) as response:
        for chunk in response.iter_bytes(CHUNK):
            received += len(chunk)
    t3 = time.perf_counter()
    assert received == size
    mb = size / 1024 / 1024
    return {
        "upload MB/s": mb / (t1 - t0),
        "complete (hash+type+store) MB/s": mb / (t2 - t1),
        "download MB/s": mb / (t3 - t2),
        "peak RSS before MiB": before,
        "peak RSS after MiB": peak_mib(),
    }


def run(images_n: int, stream_mb: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        container = build(Settings(data_dir=Path(folder), load_demo=False))
        seed_frameworks(container.archive)
        seed_places(container.archive)
        token = container.archive.tokens.issue("partner", "bench")[0]
        auth = {"Authorization": f"Bearer {token}"}
        story = container.archive.artifacts.create(
            container.archive.tokens.authenticate(token),
            "story",
            dict(READY_STORY),  # type: ignore[arg-type]
        ).id
        with (
            BackgroundServer(create_app(container=container)) as server,
            httpx.Client(base_url=server.base_url, timeout=120) as client,
        ):
            container.settings.base_url = server.base_url  # upload URLs name this server
            sample, average = images(client, auth, story, images_n)
            lines.append(sample.line("image"))
            lines.append(
                f"  average photo {average / 1e6:.2f} MB; {sample.rate * average / 1e6:.1f} MB/s "
                "including EXIF strip and 320/1280 thumbnails"
            )
            figures = stream(client, auth, story, stream_mb)
            lines.append(f"stream a {stream_mb} MB file through the local store:")
            lines += [f"  {name:<34} {value:10.1f}" for name, value in figures.items()]
        container.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--stream-mb", type=int, default=100)
    args = parser.parse_args(argv)
    for line in run(args.images, args.stream_mb):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
