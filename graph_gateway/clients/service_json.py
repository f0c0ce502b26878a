"""What the services answer, as typed JSON: the contract at the gateway's edge, never copied.

Each shape lists only the keys some GraphQL field (or the export) reads; the services send
more (a tag's timestamps, an image's entry id), which nothing parses. The GraphQL types build
themselves from these dicts (`Event.from_json`). A parser that meets an undocumented shape
raises `KeyError`/`TypeError`/`ValueError`, which `Upstream.call` turns into
SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Generic, TypedDict, TypeVar

ItemT = TypeVar("ItemT")
T = TypeVar("T")

JsonBody = Mapping[str, object]
"""A JSON object the gateway sends (orjson encodes it)."""


def iso(value: date | None) -> str | None:
    """A date or datetime as the services read it (ISO 8601), or null."""
    return None if value is None else value.isoformat()


class TagJson(TypedDict):
    """A tag."""

    id: int
    name: str
    color: str


class EventJson(TypedDict):
    """An event, its tags embedded (ordered by name); times are ISO 8601 with an offset."""

    id: int
    title: str
    description: str | None
    location: str | None
    starts_at: str
    ends_at: str
    all_day: bool
    tags: list[TagJson]
    created_at: str
    updated_at: str


class ImageJson(TypedDict):
    """An image's metadata (its bytes stay in the diary service)."""

    id: int
    content_type: str
    byte_size: int
    width: int | None
    height: int | None
    created_at: str


class EntryJson(TypedDict):
    """A diary entry; its tags are ids into the calendar service, its images embedded."""

    id: int
    date: str
    title: str | None
    content: str
    mood: str | None
    weather: str | None
    tag_ids: list[int]
    images: list[ImageJson]
    created_at: str
    updated_at: str


class PageJson(TypedDict, Generic[ItemT]):
    """One keyset page of a list, each item with its cursor, and the total number of matches
    (null when the request said `count: false`)."""

    items: list[ItemT]
    cursors: list[str]
    total_count: int | None
    has_next_page: bool
    end_cursor: str | None


class BatchJson(TypedDict, Generic[ItemT]):
    """A batch read's items in request order, null for the misses."""

    items: list[ItemT | None]


class ResultsJson(TypedDict, Generic[ItemT]):
    """A batch lookup's results, one per key in request order."""

    results: list[ItemT]


def batch(item: Callable[[ItemT], T]) -> Callable[[BatchJson[ItemT]], list[T | None]]:
    """A parser of a batch read, each item read by `item`."""

    def parse(raw: BatchJson[ItemT]) -> list[T | None]:
        return [None if i is None else item(i) for i in raw["items"]]

    return parse


def results(result: Callable[[ItemT], T]) -> Callable[[ResultsJson[ItemT]], list[T]]:
    """A parser of a batch lookup, each result read by `result`."""

    def parse(raw: ResultsJson[ItemT]) -> list[T]:
        return [result(r) for r in raw["results"]]

    return parse


def each(item: Callable[[ItemT], T]) -> Callable[[list[ItemT]], list[T]]:
    """A parser of a JSON list, each element read by `item`."""

    def parse(raw: list[ItemT]) -> list[T]:
        return [item(i) for i in raw]

    return parse


def no_content(_answer: object) -> None:
    """The parser of a call whose answer (a 204, or an acknowledgement) nothing reads."""
    return None
