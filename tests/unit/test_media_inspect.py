"""Real types from bytes, and images made safe to publish."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from infra.media.inspect import UnsafeImage, clean_image, duration_seconds, matches, sniff
from tests import media_samples


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (media_samples.jpeg_with_gps(10, 10), "image/jpeg"),
        (media_samples.png(), "image/png"),
        (media_samples.pdf(), "application/pdf"),
        (media_samples.vtt(), "text/vtt"),
        ("A transcript, in plain words: ¿qué?".encode(), "text/plain"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "text/html"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 40, "audio/mp4"),
    ],
)
def test_real_type_comes_from_the_bytes(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


def test_executables_and_unknown_binaries_are_not_text() -> None:
    assert sniff(b"\x7fELF\x02\x01\x01" + b"\x00" * 64) != "text/plain"
    assert sniff(b"MZ\x90\x00" + b"\x00" * 64) not in (None, "text/plain", "application/pdf")


def test_declared_and_real_types_must_agree() -> None:
    assert matches("audio/wav", sniff(media_samples.wav()))
    assert not matches("application/pdf", "image/png")
    assert not matches("image/jpeg", "text/html")


def test_images_lose_exif_gps_and_xmp(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(media_samples.jpeg_with_gps())
    with Image.open(path) as original:
        assert original.getexif().get_ifd(0x8825), "the sample does carry GPS"
    result = clean_image(path, "image/jpeg")
    assert b"secret-location" not in result.data and b"Exif" not in result.data
    with Image.open(io.BytesIO(result.data)) as cleaned:
        assert not cleaned.getexif()
        assert (cleaned.width, cleaned.height) == (1600, 900)
    assert sorted(result.thumbnails) == ["1280", "320"]
    data, width, height = result.thumbnails["320"]
    assert (width, height) == (320, 180) and data[8:12] == b"WEBP"


def test_small_images_get_only_the_thumbnails_that_fit(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    path.write_bytes(media_samples.png(400, 300))
    assert list(clean_image(path, "image/png").thumbnails) == ["320"]


def test_decompression_bombs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(media_samples.bomb())
    assert path.stat().st_size < 200_000
    with pytest.raises(UnsafeImage, match="too many pixels"):
        clean_image(path, "image/png")


def test_corrupt_images_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(media_samples.jpeg_with_gps(50, 50)[:300])
    with pytest.raises(UnsafeImage):
        clean_image(path, "image/jpeg")


def test_audio_duration(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(media_samples.wav(2.0))
    assert duration_seconds(path) == pytest.approx(2.0, abs=0.01)
