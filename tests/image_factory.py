"""Real images made with Pillow (and a few hand-made byte strings) for the image tests."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS_LATITUDE = (37.0, 33.0, 59.0)


def _gradient(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A picture with some detail, so encoders have something to encode."""
    ramp = Image.linear_gradient("L")
    red, green = ramp.resize((width, height)), ramp.rotate(90).resize((width, height))
    return Image.merge("RGB", (red, green, Image.new("L", (width, height), 128))).convert(mode)


def jpeg_with_gps(width: int = 64, height: int = 48, *, orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF carries a GPS position, a camera make and maybe an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "FortuneCam"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (126.0, 58.0, 40.0),
    }
    out = io.BytesIO()
    _gradient(width, height).save(out, format="JPEG", quality=90, exif=exif, comment=b"at home")
    return out.getvalue()


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A PNG with an alpha channel."""
    out = io.BytesIO()
    _gradient(width, height, "RGBA").save(out, format="PNG")
    return out.getvalue()


def webp_bytes(width: int = 40, height: int = 30) -> bytes:
    """A lossy WebP."""
    out = io.BytesIO()
    _gradient(width, height).save(out, format="WEBP", quality=80)
    return out.getvalue()


def animated_gif_bytes(frames: int = 3, width: int = 24, height: int = 16) -> bytes:
    """An animated GIF whose frames differ and last 100, 200, 300 ms..."""
    images = [
        Image.new("RGB", (width, height), (index * 60 % 256, 255 - index * 60 % 256, 0))
        for index in range(frames)
    ]
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=[100 * (i + 1) for i in range(frames)],
        loop=0,
    )
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut off in the middle of its picture data."""
    whole = jpeg_with_gps(256, 256)
    return whole[: len(whole) * 2 // 3]


def padded_gif(total_size: int) -> bytes:
    """A valid one-frame GIF of exactly `total_size` bytes, padded with an application extension.

    Decoders skip unknown application extensions block by block, so the file stays a small
    picture however big it is.
    """
    out = io.BytesIO()
    Image.new("P", (8, 8), color=3).save(out, format="GIF")
    base = out.getvalue()
    header_end = base.index(b",")  # the image descriptor follows the header and colour table
    # Extension: introducer + label, the 11-byte identifier block, sub-blocks, terminator.
    overhead = 2 + 12 + 1
    payload = total_size - len(base) - overhead
    if payload < 2:
        raise ValueError("total_size is too small to pad")
    blocks = bytearray()
    while payload > 0:
        # A sub-block costs its length byte plus 1-255 data bytes; never leave a lone byte.
        cost = min(256, payload)
        if payload - cost == 1:
            cost -= 1
        blocks += bytes([cost - 1]) + b"\x00" * (cost - 1)
        payload -= cost
    extension = b"\x21\xff\x0bFCPADDING10" + bytes(blocks) + b"\x00"
    padded = base[:header_end] + extension + base[header_end:]
    assert len(padded) == total_size
    return padded


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels but holds one row: a decompression bomb's head."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = zlib.compress(b"\x00" * (width + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")
