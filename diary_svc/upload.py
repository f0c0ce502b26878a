"""Receive a multipart upload's one file part into a temporary file on disk, as it streams in.

The part is refused (413 `PAYLOAD_TOO_LARGE`) the moment it crosses the limit, and the temporary
file is removed whatever happens, so a failed upload leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from fc_common.errors import ServiceError, ValidationFailedError

SPOOL_PREFIX = "upload-"


class PayloadTooLargeError(ServiceError):
    """The uploaded file is over its size limit."""

    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


@dataclass(frozen=True, slots=True)
class SpooledUpload:
    """A received file: where it waits on disk and how many bytes it has."""

    path: Path
    byte_size: int


class _FilePartReader:
    """Parser callbacks that keep the bytes of the one file part named `field`."""

    def __init__(self, field: str) -> None:
        self.field = field.encode()
        self.pending: list[bytes] = []
        self.started = False
        self.finished = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def on_part_begin(self) -> None:
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") != self.field or b"filename" not in options or self.started:
            raise ValidationFailedError(
                "Send exactly one part: the file, named 'file'", field=self.field.decode()
            )
        self.started = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.pending.append(data[start:end])

    def on_part_end(self) -> None:
        self.finished = True


@asynccontextmanager
async def spooled_upload(
    request: Request, *, field: str, limit: int, spool_dir: Path
) -> AsyncIterator[SpooledUpload]:
    """Stream the file part of a multipart body to a temporary file; yield it, then remove it."""
    boundary = _boundary(request, field)
    path = await anyio.to_thread.run_sync(_make_spool_file, spool_dir)
    try:
        with path.open("wb") as out:
            size = await _receive(request, out, boundary=boundary, field=field, limit=limit)
        yield SpooledUpload(path=path, byte_size=size)
    finally:
        await anyio.to_thread.run_sync(lambda: path.unlink(missing_ok=True))


async def drain(request: Request) -> None:
    """Read and drop the rest of a body, so a refusal reaches a client still sending."""
    with suppress(Exception):
        async for _ in request.stream():
            pass


def _make_spool_file(spool_dir: Path) -> Path:
    spool_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=SPOOL_PREFIX, dir=spool_dir)
    os.close(fd)
    return Path(name)


def _boundary(request: Request, field: str) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise ValidationFailedError("Send the file as multipart/form-data", field=field)
    return boundary


async def _receive(
    request: Request, out: BinaryIO, *, boundary: bytes, field: str, limit: int
) -> int:
    reader = _FilePartReader(field)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reader.on_part_begin,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
        },
    )
    size = 0
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if reader.pending:
                data = b"".join(reader.pending)
                reader.pending.clear()
                size += len(data)
                if size > limit:
                    raise PayloadTooLargeError(f"The file is over {limit} bytes", field=field)
                await anyio.to_thread.run_sync(out.write, data)
        parser.finalize()
    except MultipartParseError as exc:
        raise ValidationFailedError("The multipart body is malformed", field=field) from exc
    if not reader.finished:
        raise ValidationFailedError("The body has no complete file part", field=field)
    return size
