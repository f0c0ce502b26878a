"""The content check and the clean copy: real images made by Pillow, and hostile ones."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageSequence

from diary_svc.imaging import CleanImage, ImageLimits, ImageRejectedError, clean_image
from tests import image_factory

LIMITS = ImageLimits()


def _clean(tmp_path: Path, data: bytes, limits: ImageLimits = LIMITS) -> tuple[CleanImage, Path]:
    source, destination = tmp_path / "upload", tmp_path / "clean"
    source.write_bytes(data)
    return clean_image(source, destination, limits=limits), destination


def test_jpeg_loses_gps_and_camera_but_keeps_orientation(tmp_path: Path) -> None:
    data = image_factory.jpeg_with_gps(64, 48, orientation=6)
    with Image.open(_as_file(tmp_path, data)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the fixture must carry GPS"

    result, path = _clean(tmp_path, data)

    assert result.content_type == "image/jpeg"
    # Orientation 6 turns the picture a quarter: displayed 48 wide, 64 high.
    assert (result.width, result.height) == (48, 64)
    assert result.byte_size == path.stat().st_size
    with Image.open(path) as image:
        exif = image.getexif()
        assert dict(exif) == {ExifTags.Base.Orientation: 6}
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert "comment" not in image.info
        assert image.size == (64, 48)
    assert b"FortuneCam" not in path.read_bytes()


@pytest.mark.parametrize(
    ("data", "content_type", "size"),
    [
        (image_factory.png_bytes(40, 30), "image/png", (40, 30)),
        (image_factory.webp_bytes(40, 30), "image/webp", (40, 30)),
        (image_factory.animated_gif_bytes(3, 24, 16), "image/gif", (24, 16)),
    ],
    ids=["png", "webp", "gif"],
)
def test_accepted_formats_round_trip(
    tmp_path: Path, data: bytes, content_type: str, size: tuple[int, int]
) -> None:
    result, path = _clean(tmp_path, data)

    assert result.content_type == content_type
    assert (result.width, result.height) == size
    with Image.open(path) as image:
        assert image.get_format_mimetype() == content_type
        assert image.size == size
        image.load()


def test_animated_gif_keeps_frames_and_timing(tmp_path: Path) -> None:
    _, path = _clean(tmp_path, image_factory.animated_gif_bytes(3))

    with Image.open(path) as image:
        durations = [frame.info["duration"] for frame in ImageSequence.Iterator(image)]
    assert durations == [100, 200, 300]


def test_png_keeps_alpha(tmp_path: Path) -> None:
    _, path = _clean(tmp_path, image_factory.png_bytes())

    with Image.open(path) as image:
        assert image.mode == "RGBA"


def test_hash_is_of_the_stored_bytes(tmp_path: Path) -> None:
    result, path = _clean(tmp_path, image_factory.png_bytes())

    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, named photo.png by its sender\n", "not a JPEG, PNG, WebP or GIF"),
        (image_factory.truncated_jpeg(), "damaged or incomplete"),
        (image_factory.png_header_only(100_000, 100_000), "too many pixels"),
        (b"BM" + b"\x00" * 64, "not a JPEG, PNG, WebP or GIF"),
    ],
    ids=["text", "truncated-jpeg", "bomb", "bmp-header"],
)
def test_refused_uploads(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ImageRejectedError, match=message) as refused:
        _clean(tmp_path, data)

    assert refused.value.field == "file"
    assert refused.value.status_code == 422


def test_refuses_pictures_over_the_pixel_limit(tmp_path: Path) -> None:
    with pytest.raises(ImageRejectedError, match="pixels"):
        _clean(tmp_path, image_factory.png_bytes(40, 30), ImageLimits(max_pixels=1000))


def test_refuses_animations_over_the_frame_limit(tmp_path: Path) -> None:
    with pytest.raises(ImageRejectedError, match="too many frames"):
        _clean(tmp_path, image_factory.animated_gif_bytes(3), ImageLimits(max_frames=2))


def test_padded_gif_is_a_valid_small_picture(tmp_path: Path) -> None:
    data = image_factory.padded_gif(3 * 1024 * 1024 + 7)
    assert len(data) == 3 * 1024 * 1024 + 7

    result, path = _clean(tmp_path, data)

    assert (result.width, result.height) == (8, 8)
    assert result.byte_size < 1024
    assert path.stat().st_size == result.byte_size


def _as_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "original"
    path.write_bytes(data)
    return path


def test_mangled_images_are_accepted_or_refused_never_an_error(tmp_path: Path) -> None:
    """Flipped, cut and inserted bytes in real images: a clean copy or a refusal, nothing else."""
    seeds = [
        image_factory.jpeg_with_gps(64, 48, orientation=6),
        image_factory.png_bytes(),
        image_factory.webp_bytes(),
        image_factory.animated_gif_bytes(),
    ]
    rng = random.Random(2026)
    outcomes = {"accepted": 0, "refused": 0}
    for _ in range(400):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            if not data:
                break
            at = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.5:
                data[at] = rng.randrange(256)
            elif roll < 0.7:
                del data[at : at + rng.randint(1, 40)]
            elif roll < 0.9:
                data[at:at] = rng.randbytes(rng.randint(1, 20))
            else:
                data = data[: max(at, 1)]
        try:
            _clean(tmp_path, bytes(data))
            outcomes["accepted"] += 1
        except ImageRejectedError:
            outcomes["refused"] += 1

    assert outcomes["accepted"] > 0 and outcomes["refused"] > 0
