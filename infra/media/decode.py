"""Decoding images where a decompression bomb cannot take the API down.

Two defences. First the pixel budget: the dimensions (and frame count) are
read from the file's header, which Pillow's lazy ``Image.open`` does without
decoding, and an image over the budget is refused at once. Then the decoding
itself (``clean_image``) runs in a child process whose address space is
limited with ``resource.setrlimit``: whatever a crafted file does, the child
runs out of memory or time, never the API.

The child is ``python -m infra.media.decode IMAGE CONTENT_TYPE BUDGET LIMIT OUT``;
it writes the cleaned image, its thumbnails and a ``result.json`` into OUT.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from PIL import Image

from infra.media.inspect import ImageResult, UnsafeImage

DEFAULT_PIXEL_BUDGET = 40_000_000  # 40 Mpx: ~160 MB per decoded RGBA copy
DEFAULT_DECODE_MEMORY = 1024 * 1024 * 1024  # address space of the decoding child
DECODE_SECONDS = 120.0


def check_dimensions(path: Path, budget: int) -> tuple[int, int]:
    """Width and height from the header alone; UnsafeImage over ``budget`` pixels
    (counting every frame of an animation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as opened:
                width, height = opened.size
                frames = int(getattr(opened, "n_frames", 1) or 1)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UnsafeImage(f"The image has too many pixels to decode safely: {error}") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise UnsafeImage(f"The image could not be read: {error}") from None
    if width * height * frames > budget:
        raise UnsafeImage(
            f"The image is {width} by {height} pixels"
            + (f" in {frames} frames" if frames > 1 else "")
            + f"; at most {budget // 1_000_000} million pixels can be accepted. "
            "Send a smaller version."
        )
    return width, height


def clean_image_isolated(
    path: Path,
    content_type: str,
    *,
    budget: int = DEFAULT_PIXEL_BUDGET,
    memory: int = DEFAULT_DECODE_MEMORY,
    seconds: float = DECODE_SECONDS,
) -> ImageResult:
    """``clean_image`` behind the pixel budget, in a memory-limited child process."""
    check_dimensions(path, budget)
    with tempfile.TemporaryDirectory(prefix="commonplace-decode-") as folder:
        out = Path(folder)
        command = [
            sys.executable,
            "-m",
            "infra.media.decode",
            str(path),
            content_type,
            str(budget),
            str(memory),
            str(out),
        ]
        try:
            finished = subprocess.run(command, capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            raise UnsafeImage(f"The image took over {seconds:.0f} s to decode.") from None
        manifest = out / "result.json"
        if finished.returncode != 0 or not manifest.exists():
            raise UnsafeImage(
                "The image could not be decoded within the memory set aside for it "
                f"({memory // 2**20} MB)."
            )
        return _read_result(out, json.loads(manifest.read_text()))


def _read_result(out: Path, result: dict[str, object]) -> ImageResult:
    if not result.get("ok"):
        raise UnsafeImage(str(result.get("error") or "The image could not be decoded."))
    thumbnails = result["thumbnails"]
    assert isinstance(thumbnails, dict)
    return ImageResult(
        data=(out / "image").read_bytes(),
        content_type=str(result["content_type"]),
        width=int(str(result["width"])),
        height=int(str(result["height"])),
        thumbnails={
            name: ((out / f"thumbnail-{name}").read_bytes(), int(width), int(height))
            for name, (width, height) in thumbnails.items()
        },
    )


def _child(argv: list[str]) -> None:
    """The decoding child: limit memory first, then decode and write the result."""
    import resource

    source, content_type, budget, memory, folder = argv
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    Image.MAX_IMAGE_PIXELS = int(budget)
    from infra.media.inspect import clean_image

    out = Path(folder)
    try:
        image = clean_image(Path(source), content_type)
    except UnsafeImage as error:
        (out / "result.json").write_text(json.dumps({"ok": False, "error": str(error)}))
        return
    (out / "image").write_bytes(image.data)
    for name, (data, _width, _height) in image.thumbnails.items():
        (out / f"thumbnail-{name}").write_bytes(data)
    result = {
        "ok": True,
        "content_type": image.content_type,
        "width": image.width,
        "height": image.height,
        "thumbnails": {name: [w, h] for name, (_d, w, h) in image.thumbnails.items()},
    }
    (out / "result.json").write_text(json.dumps(result))


if __name__ == "__main__":
    _child(sys.argv[1:])
