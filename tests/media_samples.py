"""Small sample files for media tests, made on the fly."""

from __future__ import annotations

import hashlib
import io
import struct
import wave

from PIL import Image


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jpeg_with_gps(width: int = 1600, height: int = 900) -> bytes:
    """A JPEG carrying EXIF with a GPS position and an XMP packet."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (32.0, 13.0, 12.0), 3: "W", 4: (110.0, 58.0, 1.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-location</rdf:RDF></x:xmpmeta>'
    image.save(out, "JPEG", exif=exif.tobytes(), xmp=xmp)
    return out.getvalue()


def png(width: int = 400, height: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 255)).save(out, "PNG")
    return out.getvalue()


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(struct.pack("<h", 0) * int(8000 * seconds))
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def vtt() -> bytes:
    return b"WEBVTT\n\n00:00.000 --> 00:01.000\nWe started by listening.\n"


def bomb() -> bytes:
    """A tiny PNG that claims far more pixels than Pillow will decode."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG", optimize=True)
    return out.getvalue()
