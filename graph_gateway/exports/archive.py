"""Build a user's export archive page by page, straight into a zip file on disk.

The archive holds `account.json`, `api_keys.json` (names and prefixes, never secrets),
`tags.json`, `events.json` and `diary_entries.json` (GraphQL's field names and shapes), and
`images/<id>.<ext>` with the stored bytes of every diary image. Lists are fetched a page (100)
at a time and written as they come, and images are streamed in chunks, so memory stays flat
whatever the account's size; the file is refused once it passes `max_bytes`.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import orjson

from graph_gateway.accounts.models import ApiKey, User
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.errors import PayloadTooLargeError, ServiceUnavailableError
from graph_gateway.types.connection import Connection, Edge
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event
from graph_gateway.types.image import DiaryImage
from graph_gateway.types.tag import Tag

T = TypeVar("T")
PAGE_SIZE = 100
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def _iso(value: datetime | date) -> str:
    return value.isoformat()


def account_json(user: User, keys: Iterable[ApiKey]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The account and its API keys' metadata, as GraphQL shows them."""
    account = {
        "id": str(user.id),
        "email": user.email,
        "displayName": user.display_name,
        "timeZone": user.time_zone,
        "createdAt": _iso(user.created_at),
    }
    api_keys = [
        {
            "id": str(k.id),
            "name": k.name,
            "prefix": k.prefix,
            "scopes": k.scopes.split(","),
            "createdAt": _iso(k.created_at),
            "lastUsedAt": _iso(k.last_used_at) if k.last_used_at else None,
            "expiresAt": _iso(k.expires_at) if k.expires_at else None,
        }
        for k in keys
    ]
    return account, api_keys


def tag_json(tag: Tag) -> dict[str, Any]:
    """A tag as GraphQL shows it."""
    return {"id": str(tag.id), "name": tag.name, "color": tag.color}


def event_json(event: Event) -> dict[str, Any]:
    """An event as GraphQL shows it (tags by id)."""
    return {
        "id": str(event.id),
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "startsAt": _iso(event.starts_at),
        "endsAt": _iso(event.ends_at),
        "allDay": event.all_day,
        "tagIds": [str(t.id) for t in event.tags],
        "createdAt": _iso(event.created_at),
        "updatedAt": _iso(event.updated_at),
    }


def image_file(image: DiaryImage) -> str:
    """Where an image's bytes sit in the archive."""
    return f"images/{image.id}.{_EXTENSIONS.get(image.content_type, 'bin')}"


def entry_json(entry: DiaryEntry) -> dict[str, Any]:
    """A diary entry as GraphQL shows it (tags by id, images by file)."""
    return {
        "id": str(entry.id),
        "date": _iso(entry.date),
        "title": entry.title,
        "content": entry.content,
        "mood": entry.mood,
        "weather": entry.weather,
        "tagIds": [str(t) for t in entry.tag_ids],
        "images": [
            {
                "id": str(i.id),
                "file": image_file(i),
                "contentType": i.content_type,
                "byteSize": i.byte_size,
                "width": i.width,
                "height": i.height,
                "createdAt": _iso(i.created_at),
            }
            for i in entry.attached_images
        ],
        "createdAt": _iso(entry.created_at),
        "updatedAt": _iso(entry.updated_at),
    }


async def _pages(
    fetch: Callable[[str | None], Awaitable[Connection[Edge[T]]]],
) -> AsyncIterator[T]:
    after: str | None = None
    while True:
        page = await fetch(after)
        for edge in page.edges:
            yield edge.node
        if not page.page_info.has_next_page or page.page_info.end_cursor is None:
            return
        after = page.page_info.end_cursor


class ArchiveWriter:
    """One archive being written, with its size bound."""

    def __init__(self, path: Path, *, max_bytes: int) -> None:
        self._file: IO[bytes] = path.open("xb")
        self._zip = zipfile.ZipFile(self._file, "w", compression=zipfile.ZIP_DEFLATED)
        self.max_bytes = max_bytes

    def _check_size(self) -> None:
        if self._file.tell() > self.max_bytes:
            raise PayloadTooLargeError(
                f"The export is larger than {self.max_bytes} bytes; delete some images and retry"
            )

    def write_json(self, name: str, value: object) -> None:
        """One small JSON document."""
        self._zip.writestr(name, orjson.dumps(value, option=orjson.OPT_INDENT_2))
        self._check_size()

    async def write_json_list(self, name: str, items: AsyncIterator[dict[str, Any]]) -> None:
        """A JSON array written item by item as they arrive."""
        with self._zip.open(name, "w", force_zip64=True) as out:
            out.write(b"[")
            separator = b"\n"
            async for item in items:
                out.write(separator + orjson.dumps(item))
                separator = b",\n"
                self._check_size()
            out.write(b"\n]\n")
        self._check_size()

    async def write_stream(self, name: str, chunks: AsyncIterator[bytes]) -> None:
        """A file streamed in (stored as is: images are compressed already)."""
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        with self._zip.open(info, "w", force_zip64=True) as out:
            async for chunk in chunks:
                out.write(chunk)
                self._check_size()

    def close(self) -> int:
        """Finish the archive; its size in bytes."""
        self._zip.close()
        size = self._file.tell()
        self._file.close()
        if size > self.max_bytes:
            raise PayloadTooLargeError(f"The export is larger than {self.max_bytes} bytes")
        return size

    def abort(self) -> None:
        """Close without caring about the result (the caller deletes the file)."""
        with contextlib.suppress(OSError, ValueError, PayloadTooLargeError):
            self._zip.close()
        self._file.close()


async def write_archive(
    writer: ArchiveWriter,
    *,
    user: User,
    keys: list[ApiKey],
    calendar: CalendarClient,
    diary: DiaryClient,
    diary_upstream: Upstream,
) -> None:
    """Write everything the user owns into the archive."""
    account, api_keys = account_json(user, keys)
    writer.write_json("account.json", account)
    writer.write_json("api_keys.json", api_keys)
    writer.write_json("tags.json", [tag_json(t) for t in await calendar.list_tags()])

    async def events() -> AsyncIterator[dict[str, Any]]:
        pages = _pages(
            lambda after: calendar.list_events(
                start=None, end=None, tag_id=None, search=None, first=PAGE_SIZE, after=after
            )
        )
        async for event in pages:
            yield event_json(event)

    images: list[DiaryImage] = []

    async def entries() -> AsyncIterator[dict[str, Any]]:
        pages = _pages(
            lambda after: diary.list_entries(
                start=None, end=None, mood=None, tag_id=None, first=PAGE_SIZE, after=after
            )
        )
        async for entry in pages:
            images.extend(entry.attached_images)  # a few fields each: fine to hold
            yield entry_json(entry)

    await writer.write_json_list("events.json", events())
    await writer.write_json_list("diary_entries.json", entries())
    for image in images:
        await writer.write_stream(
            image_file(image), _image_bytes(diary_upstream, user_id=account_id(user), image=image)
        )


def account_id(user: User) -> int:
    """The row id of a stored account."""
    assert user.id is not None
    return user.id


async def _image_bytes(
    upstream: Upstream, *, user_id: int, image: DiaryImage
) -> AsyncIterator[bytes]:
    request = upstream.http.build_request(
        "GET", f"/images/{image.id}/content", headers=upstream.internal_headers(user_id)
    )
    try:
        response = await upstream.http.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise ServiceUnavailableError(upstream.name) from exc
    try:
        if response.status_code != 200:
            raise ServiceUnavailableError(upstream.name)
        async for chunk in response.aiter_raw():
            yield chunk
    finally:
        await response.aclose()
