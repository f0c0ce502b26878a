"""Check that uploaded bytes are a JPEG, PNG, WebP or GIF by their content, and write a clean copy.

JPEGs (nearly every photo) are rewritten segment by segment (`jpeg_strip`): the picture's bytes
are copied untouched and only metadata goes, so nothing is lost and memory stays small whatever
the pixel count; the copy is then decoded at 1/8 scale to prove it is whole. PNG, WebP and GIF
are re-encoded by Pillow from the decoded pixels. Either way nothing from the upload survives but
the picture, its colour profile, its animation timing and its EXIF orientation: GPS and every
other EXIF tag, XMP, IPTC, comments and trailing data are gone.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from struct import error as struct_error
from typing import Any, Final, TypeVar

from PIL import ExifTags, Image, ImageFile, ImageSequence, UnidentifiedImageError

from diary_svc.jpeg_strip import strip_jpeg
from fc_common.errors import ValidationFailedError

CONTENT_TYPES: Final = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # a JPEG with extra pictures appended; only the first one is kept
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
# The decoders Pillow may try (its JPEG one hands back "MPO" for multi-picture files).
_DECODERS: Final = ["JPEG", "PNG", "WEBP", "GIF"]
_HASH_CHUNK = 1024 * 1024
T = TypeVar("T")
_WARNINGS_LOCK = threading.Lock()
# Orientations 5-8 turn the picture a quarter: the displayed width is the stored height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """How big a picture may be once decoded (the byte size is limited while receiving)."""

    max_pixels: int = 50_000_000
    max_frames: int = 1_000
    max_total_pixels: int = 1_000_000_000


@dataclass(frozen=True, slots=True)
class CleanImage:
    """What was learnt about a cleaned image: what it is, how big, and its bytes' hash."""

    content_type: str
    width: int
    height: int
    byte_size: int
    sha256: str


class ImageRejectedError(ValidationFailedError):
    """The upload is not an image we accept (422, field `file`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def clean_image(source: Path, destination: Path, *, limits: ImageLimits) -> CleanImage:
    """Check `source` by content and write its metadata-free copy to `destination`."""
    # Pillow's own check (also applied to GIF frames mid-decode) reads this process-wide value;
    # ours below refuses anything over it before any pixel is decoded.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    with _opened(source, limits) as image:
        _decoding(image.verify)
    with _opened(source, limits) as image:
        content_type = CONTENT_TYPES[str(image.format)]
        orientation = _decoding(
            lambda: _quietly(lambda: image.getexif().get(ExifTags.Base.Orientation, 1))
        )
        exif = _orientation_only_exif(orientation)
        width, height = image.size
        if orientation in _QUARTER_TURNS:
            width, height = height, width
        with destination.open("wb") as out:
            _decoding(lambda: _SAVERS[str(image.format)](image, out, exif, source))
    _decoding(lambda: _check_clean(destination))
    byte_size, sha256 = _size_and_hash(destination)
    return CleanImage(
        content_type=content_type, width=width, height=height, byte_size=byte_size, sha256=sha256
    )


@contextmanager
def _opened(source: Path, limits: ImageLimits) -> Iterator[ImageFile.ImageFile]:
    """Open `source` with only our four formats' decoders, refusing oversized pictures."""
    image = _decoding(lambda: _quietly(lambda: Image.open(source, formats=_DECODERS)))
    try:
        if image.format not in CONTENT_TYPES:  # pragma: no cover - `formats=` already limits it
            raise ImageRejectedError("The file is not a JPEG, PNG, WebP or GIF image")
        width, height = image.size
        frames: int = _decoding(lambda: _quietly(lambda: getattr(image, "n_frames", 1)))
        if width < 1 or height < 1 or width * height > limits.max_pixels:
            raise ImageRejectedError(
                f"The picture is {width}×{height} pixels; at most {limits.max_pixels} are allowed"
            )
        if frames > limits.max_frames or frames * width * height > limits.max_total_pixels:
            raise ImageRejectedError(f"The animation has too many frames ({frames})")
        yield image
    finally:
        image.close()


def _decoding(work: Callable[[], T]) -> T:
    """Run Pillow work, turning what a bad or hostile file makes it raise into a refusal."""
    try:
        return work()
    except UnidentifiedImageError as exc:
        raise ImageRejectedError("The file is not a JPEG, PNG, WebP or GIF image") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejectedError("The picture has too many pixels") from exc
    except OSError as exc:
        if exc.errno is not None:  # a real I/O failure (disk full...), not a bad image
            raise
        raise ImageRejectedError("The image is damaged or incomplete") from exc
    except (SyntaxError, ValueError, EOFError, IndexError, struct_error) as exc:
        raise ImageRejectedError("The image is damaged or incomplete") from exc


def _quietly(work: Callable[[], T]) -> T:
    """Run header and metadata reads without Pillow's `UserWarning`s about corrupt EXIF or MPF
    data: that metadata is dropped anyway, and the picture is checked on its own.

    The lock keeps two threads from interleaving `catch_warnings`, which saves and restores the
    process-wide filter list.
    """
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return work()


def _orientation_only_exif(orientation: object) -> bytes:
    """EXIF holding only the orientation tag, or nothing when the picture is upright."""
    if not isinstance(orientation, int) or orientation not in range(2, 9):
        return b""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif.tobytes()


def _save_jpeg(image: ImageFile.ImageFile, out: Any, exif: bytes, source: Path) -> None:
    del image  # the JPEG is rewritten segment by segment, never re-encoded
    with source.open("rb") as original:
        strip_jpeg(original, out, exif=exif)


def _save_png(image: ImageFile.ImageFile, out: Any, exif: bytes, source: Path) -> None:
    params: dict[str, Any] = {"exif": exif or None}
    if getattr(image, "is_animated", False):
        # Pillow hands back whole composited frames, so each replaces the last as it is.
        params.update(save_all=True, disposal=0, blend=0, default_image=False)
    image.save(out, format="PNG", **params)


def _save_webp(image: ImageFile.ImageFile, out: Any, exif: bytes, source: Path) -> None:
    params: dict[str, Any] = {
        "exif": exif,
        "icc_profile": image.info.get("icc_profile"),
        "lossless": _is_lossless_webp(source),
        "quality": 90,
    }
    if getattr(image, "is_animated", False):
        durations = [frame.info.get("duration", 0) for frame in ImageSequence.Iterator(image)]
        image.seek(0)
        params.update(save_all=True, duration=durations, loop=image.info.get("loop", 0))
    image.save(out, format="WEBP", **params)


def _save_gif(image: ImageFile.ImageFile, out: Any, exif: bytes, source: Path) -> None:
    del exif  # GIF has no place for EXIF; its orientation is always upright
    image.save(out, format="GIF", save_all=getattr(image, "is_animated", False), comment=b"")


_SAVERS: Final = {
    "JPEG": _save_jpeg,
    "MPO": _save_jpeg,
    "PNG": _save_png,
    "WEBP": _save_webp,
    "GIF": _save_gif,
}


def _is_lossless_webp(source: Path) -> bool:
    """Whether the WebP's first picture is lossless (`VP8L`), so re-encoding loses nothing."""
    with source.open("rb") as f:
        head = f.read(64 * 1024)
    lossy, lossless = head.find(b"VP8 "), head.find(b"VP8L")
    return lossless != -1 and (lossy == -1 or lossless < lossy)


def _check_clean(path: Path) -> None:
    """Decode what will be stored (a JPEG at 1/8 scale: every byte is read, few pixels kept),
    and refuse it if it still carries GPS data (a guard against a Pillow change)."""
    with Image.open(path) as image:
        if image.format == "JPEG":
            width, height = image.size
            image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
        if image.getexif().get_ifd(ExifTags.IFD.GPSInfo):
            raise RuntimeError("the cleaned image still carries GPS data")


def _size_and_hash(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
