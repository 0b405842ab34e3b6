"""The pages' own CSS and JavaScript, served by the project (never from a CDN).

Files are read once; their URLs carry a hash of the content, so they can be
cached for a year and a change is picked up at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STATIC = Path(__file__).parent / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}


@dataclass(frozen=True)
class Asset:
    data: bytes
    content_type: str
    digest: str


@cache
def assets() -> dict[str, Asset]:
    found = {}
    for path in sorted(STATIC.iterdir()):
        if path.is_file() and path.suffix in TYPES:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:12]
            found[path.name] = Asset(data, TYPES[path.suffix], digest)
    return found


def static_url(name: str) -> str:
    asset = assets()[name]
    return f"/static/{name}?v={asset.digest}"
