"""Media in a local folder (the embedded default). Uploads are relayed by the API."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from domain.ports.media import CHUNK, MediaStore, UploadTarget

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


class LocalMediaStore(MediaStore):
    def __init__(self, root: Path, api_base: str = "/api/v1/media") -> None:
        self.root = root
        self.api_base = api_base
        root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """The file for a key; keys that could leave the folder are refused."""
        if not _KEY.match(key) or ".." in key.split("/"):
            raise ValueError(f"Unsafe media key {key!r}")
        return self.root / key

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            shutil.copyfileobj(data, handle, CHUNK)
            temporary = handle.name
        os.replace(temporary, target)

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def read(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        with open(self.path(key), "rb") as handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith("tmp"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def copy(self, source: str, target: str, content_type: str) -> None:
        with open(self.path(source), "rb") as handle:
            self.put(target, handle, content_type)

    def upload_target(self, key: str, content_type: str, size: int, part_size: int) -> UploadTarget:
        media_id = key.rsplit("/", 1)[-1]
        url = f"{self.api_base}/{media_id}/content"
        if size <= part_size:
            return UploadTarget("PUT", url, {"Content-Type": content_type})
        count = -(-size // part_size)
        return UploadTarget(
            "PUT",
            None,
            {"Content-Type": content_type},
            multipart_id="local",
            part_urls=[f"{url}?part={n}" for n in range(1, count + 1)],
            part_size=part_size,
        )

    @staticmethod
    def part_key(key: str, number: int) -> str:
        return f"{key}.part{number:05d}"

    def finish_multipart(self, key: str, multipart_id: str, parts: list[dict[str, object]]) -> None:
        numbers = sorted(int(str(p["part_number"])) for p in parts)
        target = self.path(key)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
            for number in numbers:
                part = self.path(self.part_key(key, number))
                if not part.exists():
                    raise FileNotFoundError(f"part {number}")
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, CHUNK)
            temporary = out.name
        os.replace(temporary, target)
        for number in numbers:
            self.delete(self.part_key(key, number))

    def download_url(self, key: str, content_type: str, disposition: str) -> str | None:
        return None  # streamed through the API
