"""BagIt (RFC 8493) packages of published artifacts, made with the Library of Congress's
``bagit`` library and zipped: Markdown, HTML, media, JSON-LD, licence and attribution."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bagit

from domain.values import one_line, strip_refused
from infra.media.port import MediaStore


def attribution(record: dict[str, Any]) -> str:
    names = ", ".join(f"{p['name']} ({p['role']})" for p in record["contributors"]) or "Commonplace"
    return (
        f"{record['title']}\n\nBy {names}.\nSource: {record['urls']['page']} "
        f"(version {record['version']}).\nLicence: {record['licence']['label']} "
        f"{record['licence']['uri']}\n\nIf you adapt this work for your own place, keep this "
        "attribution, say what you changed, and respect the licence.\n"
    )


def build_package(
    record: dict[str, Any], jsonld: dict[str, Any], store: MediaStore, folder: Path
) -> Path:
    """Write a bag for ``record`` into ``folder`` and return the path of its zip."""
    bag_dir = folder / f"commonplace-{record['id']}"
    (bag_dir / "media").mkdir(parents=True)
    _write(bag_dir / "artifact.md", record["body"])
    _write(bag_dir / "artifact.html", _html(record))
    metadata = json.dumps(jsonld, ensure_ascii=False, indent=2, default=str)
    _write(bag_dir / "metadata.jsonld", metadata)
    _write(bag_dir / "LICENSE.txt", attribution(record))
    for media in record["media"]:
        target = bag_dir / "media" / f"{media['id']}-{_safe(media['filename'])}"
        with open(target, "wb") as out:
            for chunk in store.read(media["key"]):
                out.write(chunk)
    bagit.make_bag(
        str(bag_dir),
        _bag_info(record),
        checksums=["sha256"],
    )
    archive = folder / f"{bag_dir.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(folder).as_posix())
    return archive


def _bag_info(record: dict[str, Any]) -> dict[str, str]:
    """bag-info.txt tags: one line each (bagit reads any line break, U+2028 included,
    as the start of a new tag and then refuses its own bag)."""
    tags = {
        "Source-Organization": "Commonplace",
        "External-Identifier": record["urls"]["api"],
        "External-Description": (record["summary"] or "")[:500] or record["title"],
        "Bagging-Date": datetime.now(UTC).date().isoformat(),
        "Version": str(record["version"]),
        "Source-URL": record["urls"]["page"],
        "Date-Published": record["published_at"].isoformat(),
    }
    return {name: one_line(value) for name, value in tags.items()}


def _write(path: Path, text: str) -> None:
    path.write_text(strip_refused(text), encoding="utf-8")


def new_workspace() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="commonplace-package-")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:120] or "file"


def _html(record: dict[str, Any]) -> str:
    from html import escape

    return (
        '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "</head><body><h1>{title}</h1>\n{body}\n</body></html>\n"
    ).format(
        lang=escape(record["language"]), title=escape(record["title"]), body=record["body_html"]
    )
