"""BagIt (RFC 8493) packages of published artifacts, made with the Library of Congress's
``bagit`` library and zipped: Markdown, HTML, media, JSON-LD, licence and attribution.

The package is self-contained: it carries the published media of the artifact (the
files its public record lists), and its ``artifact.html`` points at those files by
relative paths inside the bag's ``data/``, so it reads offline. A body reference to
media the artifact does not carry keeps its absolute address on the site.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from uuid import UUID

import bagit

from domain.ports.media import MediaStore
from domain.values import one_line, strip_refused
from infra.markdown import MarkdownRenderer, media_url


def attribution(record: dict[str, Any]) -> str:
    names = ", ".join(f"{p['name']} ({p['role']})" for p in record["contributors"]) or "Commonplace"
    return (
        f"{record['title']}\n\nBy {names}.\nSource: {record['urls']['page']} "
        f"(version {record['version']}).\nLicence: {record['licence']['label']} "
        f"{record['licence']['uri']}\n\n{_reuse(record)}\n"
    )


def _reuse(record: dict[str, Any]) -> str:
    """What the package says about adapting the work: only an adaptable one invites it."""
    if not record.get("adaptable", True):
        return (
            "The people in this work agreed to it being shared as it is, not adapted: "
            "keep this attribution and do not adapt it."
        )
    return (
        "If you adapt this work for your own place, keep this attribution, say what you "
        "changed, and respect the licence."
    )


def build_package(
    record: dict[str, Any], jsonld: dict[str, Any], store: MediaStore, folder: Path
) -> Path:
    """Write a bag for ``record`` into ``folder`` and return the path of its zip."""
    bag_dir = folder / f"commonplace-{record['id']}"
    (bag_dir / "media").mkdir(parents=True)
    packaged = packaged_paths(record)
    for media in record["media"]:
        with open(bag_dir / packaged[media["id"]], "wb") as out:
            for chunk in store.read(media["key"]):
                out.write(chunk)
    _write(bag_dir / "artifact.md", record["body"])
    _write(bag_dir / "artifact.html", _html(record, packaged))
    metadata = json.dumps(jsonld, ensure_ascii=False, indent=2, default=str)
    _write(bag_dir / "metadata.jsonld", metadata)
    _write(bag_dir / "LICENSE.txt", attribution(record))
    return zipped_bag(bag_dir, _bag_info(record))


def zipped_bag(bag_dir: Path, info: dict[str, str]) -> Path:
    """Make ``bag_dir`` a BagIt bag (SHA-256 manifests, ``info`` in bag-info.txt) and
    zip it beside itself, the bag's folder at the top of the zip; the zip's path."""
    bagit.make_bag(str(bag_dir), info, checksums=["sha256"])
    folder = bag_dir.parent
    archive = folder / f"{bag_dir.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(folder).as_posix())
    return archive


def packaged_paths(record: dict[str, Any]) -> dict[str, str]:
    """Each packaged media file's path, relative to ``artifact.html``, by media id."""
    return {m["id"]: f"media/{m['id']}-{_safe(m['filename'])}" for m in record["media"]}


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


def _html(record: dict[str, Any], packaged: dict[str, str]) -> str:
    site = record["urls"]["api"].split("/api/v1/", 1)[0]

    def resolve(reference: str) -> str | None:
        try:
            media_id = str(UUID(reference.removeprefix("media:")))
        except ValueError:
            return None
        found = packaged.get(media_id)
        return found if found else f"{site}{media_url(reference)}"

    body = MarkdownRenderer(resolve=resolve).render(record["body"])
    return (
        '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        "</head><body><h1>{title}</h1>\n{body}\n{media}</body></html>\n"
    ).format(
        lang=escape(record["language"]),
        title=escape(record["title"]),
        body=body,
        media=_media_list(record, packaged),
    )


def _media_list(record: dict[str, Any], packaged: dict[str, str]) -> str:
    """The attached files, linked (images shown) from their packaged copies."""
    items = []
    for media in record["media"]:
        path = escape(packaged[media["id"]])
        label = escape(media.get("caption") or media.get("filename") or "")
        shown = (
            f'<img src="{path}" alt="{escape(media.get("alt") or "")}">'
            if media.get("kind") == "image"
            else f'<a href="{path}">{escape(media.get("filename") or path)}</a>'
        )
        items.append(f"<figure>{shown}<figcaption>{label}</figcaption></figure>")
    if not items:
        return ""
    return "<section><h2>Media</h2>\n" + "\n".join(items) + "\n</section>\n"
