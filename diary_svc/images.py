"""The image workflow, keeping rows and files in agreement: receive, clean, store, then record.

Write order: the file is stored first (atomically), then its row is committed; if the row fails
the file is removed. A crash between the two leaves only an orphan file, which the sweep
(`diary_svc.gc`) removes. Deletes go the other way: the row first, then the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread
import structlog
from starlette.requests import Request

from diary_svc import image_reads, image_writes
from diary_svc.imaging import ImageLimits, clean_image
from diary_svc.metrics import IMAGE_BYTES_STORED, UPLOADS_REFUSED, refusal_reason
from diary_svc.models import ImagePublic
from diary_svc.settings import DiarySettings
from diary_svc.storage import FileImageStore, ImageStore, UnknownKeyError
from diary_svc.thumbnails import CONTENT_TYPE as THUMBNAIL_TYPE
from diary_svc.thumbnails import derived_keys, make_thumbnail, snapped_width, thumbnail_key
from diary_svc.upload import drain, spooled_upload
from fc_common.db import Database
from fc_common.errors import NotFoundError, ServiceError, ValidationFailedError
from fc_common.sql import public

log = structlog.get_logger("diary.images")

UPLOAD_FIELD = "file"
SPOOL_DIR_NAME = ".incoming"
# Multipart framing around the file: part headers, boundaries, a generous filename.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
_READ_CHUNK = 256 * 1024
CRASH_EXIT_CODE = 70


class TooManyImagesError(ValidationFailedError):
    """The entry already has as many images as allowed."""

    code = "TOO_MANY_IMAGES"


@dataclass(frozen=True, slots=True)
class ImageContent:
    """An image's open file, with what the response headers need; `chunks()` closes it."""

    file: BinaryIO
    content_type: str
    byte_size: int
    etag: str

    def chunks(self) -> Generator[bytes, None, None]:
        """Read the file in chunks, closing it when done (or when the generator is dropped)."""
        with self.file:
            while chunk := self.file.read(_READ_CHUNK):
                yield chunk


@dataclass(frozen=True, slots=True)
class ImageShelf:
    """Everything the image routes and the sweep need: the store and the limits."""

    store: ImageStore
    spool_dir: Path
    limits: ImageLimits
    max_bytes: int
    max_per_entry: int
    crash_after_file_write: bool = False

    @classmethod
    def from_settings(cls, settings: DiarySettings) -> ImageShelf:
        """The shelf the settings describe: files under `image_root`, uploads spooled beside."""
        return cls(
            store=FileImageStore(settings.image_root),
            spool_dir=settings.image_root / SPOOL_DIR_NAME,
            limits=ImageLimits(max_pixels=settings.max_image_pixels),
            max_bytes=settings.max_image_bytes,
            max_per_entry=settings.max_images_per_entry,
            crash_after_file_write=settings.test_crash_after_file_write,
        )

    async def add(
        self, request: Request, *, db: Database, owner_id: int, entry_id: int
    ) -> ImagePublic:
        """Receive the request's file, clean it, store it and record it against the entry."""
        try:
            await anyio.to_thread.run_sync(self._check_room, db, owner_id, entry_id, False)
            async with spooled_upload(
                request, field=UPLOAD_FIELD, limit=self.max_bytes, spool_dir=self.spool_dir
            ) as upload:
                log.info("image received", entry_id=entry_id, byte_size=upload.byte_size)
                stored = await anyio.to_thread.run_sync(
                    self._clean_store_record, upload.path, db, owner_id, entry_id
                )
                IMAGE_BYTES_STORED.inc(stored.byte_size)
                return stored
        except ServiceError as exc:
            UPLOADS_REFUSED.labels(refusal_reason(exc)).inc()
            # A refusal before the body is all read (missing entry, too big, malformed) still
            # reads the rest (bounded by the body limit), so a client still sending hears it.
            await drain(request)
            raise

    def _check_room(self, db: Database, owner_id: int, entry_id: int, lock: bool) -> None:
        with db.read() as session:
            count = image_reads.count_entry_images(
                session=session, owner_id=owner_id, entry_id=entry_id, lock=lock
            )
        self._refuse_unless_room(count)

    def _refuse_unless_room(self, count: int | None) -> None:
        if count is None:
            raise NotFoundError("Entry not found")
        if count >= self.max_per_entry:
            raise TooManyImagesError(
                f"An entry holds at most {self.max_per_entry} images", field="entry_id"
            )

    def _clean_store_record(
        self, upload: Path, db: Database, owner_id: int, entry_id: int
    ) -> ImagePublic:
        fd, name = tempfile.mkstemp(prefix="clean-", dir=self.spool_dir)
        os.close(fd)
        cleaned_path = Path(name)
        try:
            cleaned = clean_image(upload, cleaned_path, limits=self.limits)
            with cleaned_path.open("rb") as cleaned_file:
                stored = self.store.put(cleaned_file)
        finally:
            cleaned_path.unlink(missing_ok=True)
        if self.crash_after_file_write:
            os._exit(CRASH_EXIT_CODE)
        try:
            with db.write() as session:
                count = image_reads.count_entry_images(
                    session=session, owner_id=owner_id, entry_id=entry_id, lock=True
                )
                self._refuse_unless_room(count)
                image = image_writes.insert_image(
                    session=session,
                    owner_id=owner_id,
                    entry_id=entry_id,
                    storage_key=stored.key,
                    image=cleaned,
                )
        except BaseException:
            self.store.delete(stored.key)
            raise
        log.info("image stored", image_id=image.id, entry_id=entry_id, byte_size=image.byte_size)
        return image

    def get(self, *, db: Database, owner_id: int, image_id: int) -> ImagePublic:
        """The owner's image metadata; NOT_FOUND when missing or someone else's."""
        with db.read() as session:
            row = image_reads.get_image_row(session=session, owner_id=owner_id, image_id=image_id)
        if row is None:
            raise NotFoundError("Image not found")
        return public(ImagePublic, row)

    def open(
        self, *, db: Database, owner_id: int, image_id: int, width: int | None = None
    ) -> ImageContent:
        """Open the owner's image bytes for streaming: the image, or its thumbnail at least
        `width` pixels wide (made now if it is the first request for it)."""
        with db.read() as session:
            row = image_reads.get_image_row(session=session, owner_id=owner_id, image_id=image_id)
        if row is None:
            raise NotFoundError("Image not found")
        thumbnail_width = (
            snapped_width(width, original_width=row.width) if width is not None else None
        )
        try:
            if thumbnail_width is None:
                return _content(self.store.open(row.storage_key), row.content_type, row.sha256)
            source = self._thumbnail(row.storage_key, thumbnail_width)
        except UnknownKeyError as exc:
            # A row without its file: only a lost disk does this, never the write order.
            log.error("image file missing", image_id=image_id)
            raise NotFoundError("Image not found") from exc
        return _content(source, THUMBNAIL_TYPE, f"{row.sha256}-w{thumbnail_width}")

    def _thumbnail(self, storage_key: str, width: int) -> BinaryIO:
        key = thumbnail_key(storage_key, width)
        try:
            return self.store.open(key)
        except UnknownKeyError:
            pass
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="thumbnail-", dir=self.spool_dir)
        os.close(fd)
        made = Path(name)
        try:
            with self.store.open(storage_key) as original:
                make_thumbnail(original, made, width=width)
            with made.open("rb") as thumbnail:
                self.store.put(thumbnail, key=key)
        finally:
            made.unlink(missing_ok=True)
        log.info("thumbnail made", width=width)
        return self.store.open(key)

    def delete(self, *, db: Database, owner_id: int, image_id: int) -> None:
        """Delete the owner's image: the row first, then its file."""
        with db.write() as session:
            key = image_writes.delete_image(session=session, owner_id=owner_id, image_id=image_id)
        if key is None:
            raise NotFoundError("Image not found")
        self.remove_files([key])

    def remove_files(self, keys: list[str]) -> None:
        """Remove images' files (and thumbnails) whose rows are gone; a failure leaves an
        orphan for the sweep."""
        for key in [k for image_key in keys for k in (image_key, *derived_keys(image_key))]:
            try:
                self.store.delete(key)
            except OSError:
                log.exception("image file not removed; the sweep will retry", storage_key=key)


def _content(file: BinaryIO, content_type: str, etag: str) -> ImageContent:
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    return ImageContent(file=file, content_type=content_type, byte_size=size, etag=etag)
