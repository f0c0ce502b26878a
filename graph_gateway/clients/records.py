"""The gateway's own models of what the services answer: plain slotted dataclasses, cheap to build.

Each `*_from_json` reads one decoded JSON object; a shape that is not the documented one raises
`KeyError`/`TypeError`/`ValueError`, which the clients turn into SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TagRecord:
    """A tag as the calendar service answers it."""

    id: int
    name: str
    color: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event, its tags embedded (ordered by name)."""

    id: int
    title: str
    description: str | None
    location: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    tags: list[TagRecord]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """An image attached to a diary entry (its bytes stay in the diary service)."""

    id: int
    entry_id: int
    content_type: str
    byte_size: int
    width: int | None
    height: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """A diary entry; its tags are ids into the calendar service, its images embedded."""

    id: int
    date: date
    title: str | None
    content: str
    mood: str | None
    weather: str | None
    tag_ids: list[int]
    created_at: datetime
    updated_at: datetime
    images: list[ImageRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PageRecord(Generic[T]):
    """One keyset page of a list, with the total number of matches."""

    items: list[T]
    cursors: list[str]
    """Each item's cursor, as the service made it."""
    total_count: int
    has_next_page: bool
    end_cursor: str | None


_parse_datetime = datetime.fromisoformat


def tag_from_json(raw: Json) -> TagRecord:
    """A tag from its JSON."""
    return TagRecord(
        id=raw["id"],
        name=raw["name"],
        color=raw["color"],
        created_at=_parse_datetime(raw["created_at"]),
        updated_at=_parse_datetime(raw["updated_at"]),
    )


def event_from_json(raw: Json) -> EventRecord:
    """An event from its JSON."""
    return EventRecord(
        id=raw["id"],
        title=raw["title"],
        description=raw["description"],
        location=raw["location"],
        starts_at=_parse_datetime(raw["starts_at"]),
        ends_at=_parse_datetime(raw["ends_at"]),
        all_day=raw["all_day"],
        tags=[tag_from_json(tag) for tag in raw["tags"]],
        created_at=_parse_datetime(raw["created_at"]),
        updated_at=_parse_datetime(raw["updated_at"]),
    )


def entry_from_json(raw: Json) -> EntryRecord:
    """A diary entry from its JSON."""
    return EntryRecord(
        id=raw["id"],
        date=date.fromisoformat(raw["date"]),
        title=raw["title"],
        content=raw["content"],
        mood=raw["mood"],
        weather=raw["weather"],
        tag_ids=list(raw["tag_ids"]),
        created_at=_parse_datetime(raw["created_at"]),
        updated_at=_parse_datetime(raw["updated_at"]),
        images=[image_from_json(image) for image in raw["images"]],
    )


def image_from_json(raw: Json) -> ImageRecord:
    """A diary image's metadata from its JSON."""
    return ImageRecord(
        id=raw["id"],
        entry_id=raw["entry_id"],
        content_type=raw["content_type"],
        byte_size=raw["byte_size"],
        width=raw["width"],
        height=raw["height"],
        created_at=_parse_datetime(raw["created_at"]),
    )


def page_from_json(raw: Json, item: Callable[[Json], T]) -> PageRecord[T]:
    """A page from its JSON, each item read by `item`."""
    return PageRecord(
        items=[item(i) for i in raw["items"]],
        cursors=raw["cursors"],
        total_count=raw["total_count"],
        has_next_page=raw["has_next_page"],
        end_cursor=raw["end_cursor"],
    )


def items_from_json(raw: Json, item: Callable[[Json], T]) -> list[T | None]:
    """A batch read's `items` in request order, None for the misses."""
    return [None if i is None else item(i) for i in raw["items"]]


def results_from_json(raw: Json, result: Callable[[Any], T]) -> list[T]:
    """A batch lookup's `results`, one per key in request order."""
    return [result(r) for r in raw["results"]]


def iso_or_none(value: date | datetime | None) -> str | None:
    """A date or datetime as the services read it (ISO 8601), None as None."""
    return None if value is None else value.isoformat()
