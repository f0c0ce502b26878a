"""Rewrite a JPEG without its metadata, segment by segment, copying the picture's bytes untouched.

Kept: the coding segments (quantisation and Huffman tables, frame and scan headers, restart
intervals), the scans themselves, and three harmless application segments (JFIF, the ICC colour
profile, Adobe's colour transform). Dropped: EXIF (replaced by one holding only the orientation,
when there is one), XMP, IPTC/Photoshop, comments, maker segments, and anything after the end of
the image (the extra pictures of a multi-picture file). No pixel is decoded or re-encoded, so the
picture loses nothing and the work needs a few kilobytes of memory whatever its size.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, Final

_SOI: Final = 0xD8
_EOI: Final = 0xD9
_SOS: Final = 0xDA
_APP1: Final = 0xE1
# Frame headers (SOF0-15 but DHT, JPG and DAC), tables, restart interval, DNL, DHP, EXP.
_CODING: Final = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    | {0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}
)
# Application segments that describe how to show the picture, never where it was taken.
_KEPT_APPS: Final = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})
_CHUNK: Final = 256 * 1024


class BrokenJpegError(ValueError):
    """The bytes end early or break the JPEG segment structure."""


def strip_jpeg(source: BinaryIO, out: BinaryIO, *, exif: bytes, chunk_size: int = _CHUNK) -> None:
    """Copy the JPEG in `source` to `out` without metadata; `exif` (if any) replaces its EXIF.

    `source` must be seekable; picture data is read `chunk_size` bytes at a time.
    """
    if source.read(2) != b"\xff\xd8":
        raise BrokenJpegError("no start-of-image marker")
    out.write(b"\xff\xd8")
    if exif:
        _write_segment(out, _APP1, exif)
    marker = _next_marker(source)
    while marker != _EOI:
        if marker in _STANDALONE:
            out.write(bytes((0xFF, marker)))
        elif marker == _SOI:
            raise BrokenJpegError("a second start-of-image marker")
        else:
            payload = _read_payload(source)
            if marker == _SOS:
                _write_segment(out, marker, payload)
                marker = _copy_scan(source, out, chunk_size)
                continue
            if marker in _CODING or _is_kept_app(marker, payload):
                _write_segment(out, marker, payload)
        marker = _next_marker(source)
    out.write(b"\xff\xd9")


def _is_kept_app(marker: int, payload: bytes) -> bool:
    signature = _KEPT_APPS.get(marker)
    return signature is not None and payload.startswith(signature)


def _write_segment(out: BinaryIO, marker: int, payload: bytes) -> None:
    if len(payload) > 0xFFFF - 2:
        raise BrokenJpegError("segment too long")
    out.write(struct.pack(">BBH", 0xFF, marker, len(payload) + 2))
    out.write(payload)


def _read_payload(source: BinaryIO) -> bytes:
    head = source.read(2)
    if len(head) != 2:
        raise BrokenJpegError("the file ends inside a segment")
    (length,) = struct.unpack(">H", head)
    if length < 2:
        raise BrokenJpegError("a segment with an impossible length")
    payload = source.read(length - 2)
    if len(payload) != length - 2:
        raise BrokenJpegError("the file ends inside a segment")
    return payload


def _next_marker(source: BinaryIO) -> int:
    """The next marker code, skipping stray bytes and fill bytes (`FF FF …`) before it."""
    byte = source.read(1)
    while byte and byte != b"\xff":  # stray bytes between segments: tolerated, not copied
        byte = source.read(1)
    while byte == b"\xff":
        byte = source.read(1)
    if not byte:
        raise BrokenJpegError("the file ends before its end-of-image marker")
    return byte[0]


def _copy_scan(source: BinaryIO, out: BinaryIO, chunk_size: int) -> int:
    """Copy entropy-coded data up to the next marker that is neither stuffing nor a restart.

    Returns that marker's code, with `source` positioned just after it.
    """
    carry = b""
    while True:
        chunk = source.read(chunk_size)
        if not chunk:
            raise BrokenJpegError("the file ends inside the picture data")
        data = carry + chunk
        carry = b""
        position = 0
        while True:
            found = data.find(b"\xff", position)
            if found == -1:
                out.write(data)
                break
            if found + 1 == len(data):  # the byte after FF is in the next chunk
                out.write(data[:found])
                carry = b"\xff"
                break
            following = data[found + 1]
            if following == 0xFF:  # a fill byte: the marker (if any) comes after it
                position = found + 1
            elif following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffing or a restart
                position = found + 2
            else:
                out.write(data[:found])
                source.seek(found + 2 - len(data), 1)  # give back what follows the marker
                return following
