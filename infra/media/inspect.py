"""What an uploaded file really is, and making images safe to publish.

The real type comes from the bytes (magic numbers, via puremagic), never from
the name or the declared type. Images are decoded with Pillow's decompression
bomb protection on, turned upright, and re-encoded from pixels alone, so EXIF,
XMP and GPS data are dropped; thumbnails are made at fixed widths.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import puremagic
from PIL import Image, ImageOps

from domain.ports.media import ImageResult, UnsafeImage

__all__ = ["ImageResult", "UnsafeImage", "clean_image", "duration_seconds", "matches", "sniff"]

THUMBNAIL_WIDTHS = (320, 1280)

# Containers that legitimately answer to more than one name.
EQUIVALENT = {
    "audio/mp4": {"audio/mp4", "video/mp4", "audio/x-m4a", "audio/aac"},
    "audio/aac": {"audio/aac", "audio/mp4", "audio/x-m4a", "video/mp4", "audio/x-hx-aac-adts"},
    "video/mp4": {"video/mp4", "audio/mp4", "video/quicktime"},
    "audio/wav": {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"},
    "audio/mpeg": {"audio/mpeg", "audio/mp3"},
    "video/webm": {"video/webm", "audio/webm", "video/x-matroska"},
    "audio/webm": {"audio/webm", "video/webm", "video/x-matroska"},
    "audio/ogg": {"audio/ogg", "application/ogg", "video/ogg", "audio/opus"},
}
MARKUP = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<body", b"<head", b"<iframe")


def sniff(head: bytes) -> str | None:
    """The real MIME type of a file from its first bytes, or None if unknown."""
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if stripped.startswith(b"WEBVTT"):
        return "text/vtt"
    lowered = stripped.lstrip().lower()
    if lowered.startswith(MARKUP) or b"<svg" in lowered[:1024] or b"<script" in lowered[:1024]:
        return "image/svg+xml" if b"<svg" in lowered[:1024] else "text/html"
    if stripped[4:8] == b"ftyp":  # ISO base media: the brand says audio-only or not
        return "audio/mp4" if stripped[8:12] in (b"M4A ", b"M4B ", b"M4P ") else "video/mp4"
    try:
        found = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        found = ""
    if found:
        return str(found)
    return "text/plain" if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def matches(declared: str, real: str | None) -> bool:
    return real is not None and real in EQUIVALENT.get(declared, {declared})


FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


def clean_image(path: Path, content_type: str) -> ImageResult:
    """Re-encode an image from its pixels only, and make its thumbnails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as opened:
                opened.load()
                upright = ImageOps.exif_transpose(opened) or opened
                frames = _frames(opened) if content_type == "image/gif" else None
                data = _encode(upright, content_type, frames)
                thumbnails = {
                    str(width): _thumbnail(upright, width)
                    for width in THUMBNAIL_WIDTHS
                    if upright.width > width
                }
                return ImageResult(data, content_type, upright.width, upright.height, thumbnails)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UnsafeImage(f"The image has too many pixels to decode safely: {error}") from error
        except (OSError, SyntaxError, ValueError) as error:
            raise UnsafeImage(f"The image could not be decoded: {error}") from error


def _frames(image: Image.Image) -> list[Image.Image]:
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append(image.copy())
    image.seek(0)
    return frames


def _pixels_only(image: Image.Image) -> Image.Image:
    """A copy holding pixels (and palette) but none of the source's metadata."""
    copy = image.copy()
    copy.info = {}
    return copy


def _encode(image: Image.Image, content_type: str, frames: list[Image.Image] | None) -> bytes:
    out = io.BytesIO()
    fmt = FORMATS[content_type]
    clean = _pixels_only(image)
    if fmt == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=88)
    elif fmt == "GIF" and frames and len(frames) > 1:
        rest = [_pixels_only(f) for f in frames[1:]]
        clean.save(out, "GIF", save_all=True, append_images=rest, loop=0)
    else:
        clean.save(out, fmt)
    return out.getvalue()


def _thumbnail(image: Image.Image, width: int) -> tuple[bytes, int, int]:
    height = max(1, round(image.height * width / image.width))
    small = _pixels_only(image).convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    small = small.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=82)
    return out.getvalue(), width, height


def duration_seconds(path: Path) -> float | None:
    """Length of an audio or video file where mutagen can read it."""
    import mutagen

    try:
        found = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError):
        return None
    length = getattr(getattr(found, "info", None), "length", None)
    return round(float(length), 3) if length else None
