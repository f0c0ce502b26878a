"""Thumbnails: an image scaled down to one of a few widths, made on first request and kept.

A thumbnail's storage key is derived from its image's key and width, so it needs no row: the
sweep and the deletes compute the keys of every possible thumbnail of the images they handle.
Widths snap up to a fixed ladder, so one image never has more than `len(WIDTHS)` of them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO, Final

from PIL import Image, ImageOps

WIDTHS: Final = (64, 128, 256, 512, 1024, 2048)
CONTENT_TYPE: Final = "image/webp"
_QUALITY: Final = 80


def snapped_width(requested: int, *, original_width: int) -> int | None:
    """The ladder width serving a request; None when the original itself serves it."""
    for width in WIDTHS:
        if width >= requested:
            return width if width < original_width else None
    return None


def thumbnail_key(storage_key: str, width: int) -> str:
    """The storage key of an image's thumbnail of `width` (a valid, unguessable key shape)."""
    return hashlib.sha256(f"{storage_key}:thumbnail:{width}".encode()).hexdigest()[:32]


def derived_keys(storage_key: str) -> list[str]:
    """The keys of every thumbnail an image may have."""
    return [thumbnail_key(storage_key, width) for width in WIDTHS]


def make_thumbnail(original: BinaryIO, destination: Path, *, width: int) -> None:
    """Write an upright WebP of the original's first frame, `width` pixels wide (as displayed)."""
    with Image.open(original) as image:
        if image.format == "JPEG":
            # Decode at the smallest DCT scale still at least `width` both ways (cheap for big
            # photos), before turning it upright.
            image.draft("RGB", (width, width))
        upright = ImageOps.exif_transpose(image)
        ratio = width / upright.width
        size = (width, max(1, round(upright.height * ratio)))
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        small = upright.convert("RGBA" if has_alpha else "RGB").resize(
            size, Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        small.save(destination, format="WEBP", quality=_QUALITY, method=4)
