"""The JPEG rewrite: metadata gone, the picture's bytes (and so its pixels) exactly kept."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms

from diary_svc.imaging import ImageLimits, ImageRejectedError, clean_image
from diary_svc.jpeg_strip import BrokenJpegError, strip_jpeg
from tests import image_factory


def noise(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Random pixels: their entropy-coded data is full of stuffed FF bytes."""
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(width * height * len(mode)))
    return Image.frombytes(mode, (width, height), data)


def jpeg(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", **params)
    return out.getvalue()


def strip(data: bytes, *, exif: bytes = b"", chunk_size: int = 256 * 1024) -> bytes:
    out = io.BytesIO()
    strip_jpeg(io.BytesIO(data), out, exif=exif, chunk_size=chunk_size)
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


@pytest.mark.parametrize(
    "params",
    [
        {"quality": 90},
        {"quality": 95, "progressive": True},
        {"quality": 80, "restart_marker_blocks": 1},
        {"quality": 85, "subsampling": 0, "optimize": True},
    ],
    ids=["baseline", "progressive", "restart-markers", "optimized-444"],
)
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 4096])
def test_pixels_are_kept_exactly(params: dict[str, object], chunk_size: int) -> None:
    original = jpeg(noise(48, 40), **params)

    stripped = strip(original, chunk_size=chunk_size)

    assert pixels(stripped) == pixels(original)


def test_cmyk_with_an_icc_profile_keeps_pixels_and_profile() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = jpeg(noise(16, 16, "CMYK"), icc_profile=profile)

    stripped = strip(original)

    assert pixels(stripped) == pixels(original)
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.info["icc_profile"] == profile


def test_metadata_and_trailing_data_are_dropped(tmp_path: Path) -> None:
    original = image_factory.jpeg_with_gps(64, 48, orientation=3)
    xmp = b"<x:xmpmeta><exif:GPSLatitude>37,33.98N</exif:GPSLatitude></x:xmpmeta>"
    with Image.open(io.BytesIO(original)) as image:
        tagged = jpeg(image, xmp=xmp, exif=image.getexif(), comment=b"home sweet home")
    tagged += b"trailing secrets after the end of the image"
    source, destination = tmp_path / "in.jpg", tmp_path / "out.jpg"
    source.write_bytes(tagged)

    result = clean_image(source, destination, limits=ImageLimits())

    stored = destination.read_bytes()
    for secret in (b"GPSLatitude", b"home sweet home", b"trailing secrets", b"FortuneCam"):
        assert secret in tagged
        assert secret not in stored
    assert pixels(stored) == pixels(tagged)
    assert result.byte_size == len(stored)
    with Image.open(destination) as image:
        assert dict(image.getexif()) == {ExifTags.Base.Orientation: 3}
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_multi_picture_file_keeps_only_the_first_picture(tmp_path: Path) -> None:
    first, second = noise(32, 24), noise(24, 32)
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    source, destination = tmp_path / "in.mpo", tmp_path / "out.jpg"
    source.write_bytes(out.getvalue())

    result = clean_image(source, destination, limits=ImageLimits())

    assert (result.content_type, result.width, result.height) == ("image/jpeg", 32, 24)
    with Image.open(destination) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
    assert destination.stat().st_size < len(out.getvalue()) * 2 // 3


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8\xff\xdb\x00",  # ends inside a segment's length
        b"\xff\xd8\xff\xe0\x00\x10JFIF",  # ends inside a segment
        b"\xff\xd8\xff\xe0\x00\x01",  # impossible length
        b"\xff\xd8\xff\xd8",  # a second start of image
    ],
    ids=["empty", "cut-length", "cut-payload", "bad-length", "two-starts"],
)
def test_broken_structures_are_refused(data: bytes) -> None:
    with pytest.raises(BrokenJpegError):
        strip(data)


def test_a_jpeg_cut_inside_its_picture_data_is_refused(tmp_path: Path) -> None:
    whole = jpeg(noise(64, 64))
    source = tmp_path / "cut.jpg"
    source.write_bytes(whole[: len(whole) - 200])

    with pytest.raises(ImageRejectedError, match="damaged or incomplete"):
        clean_image(source, tmp_path / "out.jpg", limits=ImageLimits())
