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


def wide_png(path: Path, width: int, height: int, mode: str = "1") -> Path:
    """A tiny file (a few KB) that decodes to width x height pixels."""
    Image.new(mode, (width, height)).save(path, "PNG")
    return path


def test_a_pixel_bomb_is_refused_from_its_header_before_decoding(tmp_path: Path) -> None:
    """88 Mpx in 11 KB: under Pillow's own limit (89 Mpx), so it used to be decoded."""
    import time

    from infra.media.decode import clean_image_isolated

    bomb = wide_png(tmp_path / "bomb.png", 9400, 9400)
    assert bomb.stat().st_size < 20_000
    started = time.monotonic()
    with pytest.raises(UnsafeImage, match="9400 by 9400 pixels; at most 40 million"):
        clean_image_isolated(bomb, "image/png")
    assert time.monotonic() - started < 1.0, "refused from the header, not decoded"


def test_frames_of_an_animation_count_towards_the_budget(tmp_path: Path) -> None:
    from infra.media.decode import check_dimensions

    frames = [Image.new("RGB", (100, 100), (i * 40, 0, 0)) for i in range(5)]
    path = tmp_path / "a.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:])
    assert check_dimensions(path, 50_000) == (100, 100)
    with pytest.raises(UnsafeImage, match="in 5 frames"):
        check_dimensions(path, 49_999)


def test_decoding_runs_in_a_child_whose_memory_is_limited(tmp_path: Path) -> None:
    """Within the pixel budget but beyond the child's memory: the child fails, the
    caller gets UnsafeImage, and the calling process never holds the pixels."""
    import resource

    from infra.media.decode import clean_image_isolated

    image = wide_png(tmp_path / "big.png", 6000, 6000, "RGB")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnsafeImage, match="memory set aside"):
        clean_image_isolated(image, "image/png", budget=10**9, memory=256 * 2**20)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 50, grown_mb
    cleaned = clean_image_isolated(wide_png(tmp_path / "ok.png", 1500, 1000, "RGB"), "image/png")
    assert (cleaned.width, cleaned.height) == (1500, 1000)
    assert set(cleaned.thumbnails) == {"320", "1280"}
