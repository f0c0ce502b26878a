"""Per-request DataLoaders: every related object comes through one of these, batched per level.

Each loader turns the keys collected during one tick of the event loop into one call of a
service's batch route, and answers in key order (None or [] for misses) with GraphQL objects
the client built straight from the service's JSON. Keys are hashable tuples, so the same
range or page asked twice in a request costs nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader

from fc_common.batch import MAX_LOOKUP_KEYS
from fc_common.pagination import MAX_BATCH_SIZE
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.clients.service import TagPageKey
from graph_gateway.observability.loader_spans import traced_batch
from graph_gateway.types.connection import DiaryEntryConnection, EventConnection
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event
from graph_gateway.types.tag import Tag

K = TypeVar("K")
V = TypeVar("V")

TimeRange = tuple[datetime, datetime]
"""`[start, end)` in UTC."""
DateRange = tuple[date, date]
"""`[start, end]`, both inclusive."""


def _loader(
    name: str, load: Callable[[Sequence[K]], Awaitable[list[V]]], *, max_batch_size: int
) -> DataLoader[K, V]:
    """A traced DataLoader calling `load` once per batch of at most `max_batch_size` keys."""
    return DataLoader(traced_batch(name, load), max_batch_size=max_batch_size)


class Loaders:
    """The DataLoaders of one request, each built on first use."""

    def __init__(self, *, calendar: CalendarClient, diary: DiaryClient) -> None:
        self._calendar = calendar
        self._diary = diary

    @cached_property
    def tag(self) -> DataLoader[int, Tag | None]:
        """Tags by id (`tag(id:)`, `DiaryEntry.tags`)."""
        return _loader("tags", self._calendar.tags.get_many, max_batch_size=MAX_BATCH_SIZE)

    @cached_property
    def event(self) -> DataLoader[int, Event | None]:
        """Events by id (`event(id:)`)."""
        return _loader("events", self._calendar.events.get_many, max_batch_size=MAX_BATCH_SIZE)

    @cached_property
    def entry(self) -> DataLoader[int, DiaryEntry | None]:
        """Diary entries by id (`diaryEntry(id:)`)."""
        return _loader("entries", self._diary.entries.get_many, max_batch_size=MAX_BATCH_SIZE)

    @cached_property
    def events_overlapping(self) -> DataLoader[TimeRange, list[Event]]:
        """Events overlapping a UTC range (`Day.events`, `DiaryEntry.events`)."""
        load = self._calendar.events_overlapping
        return _loader("events_overlapping", load, max_batch_size=MAX_LOOKUP_KEYS)

    @cached_property
    def entries_in_dates(self) -> DataLoader[DateRange, list[DiaryEntry]]:
        """Entries dated within a range (`Day.diaryEntries`, `Event.diaryEntries`)."""
        load = self._diary.entries_by_date_range
        return _loader("entries_by_date_range", load, max_batch_size=MAX_LOOKUP_KEYS)

    @cached_property
    def events_by_tag(self) -> DataLoader[TagPageKey, EventConnection]:
        """A page of a tag's events (`Tag.events`)."""
        load = self._calendar.events.by_tag
        return _loader("events_by_tag", load, max_batch_size=MAX_LOOKUP_KEYS)

    @cached_property
    def entries_by_tag(self) -> DataLoader[TagPageKey, DiaryEntryConnection]:
        """A page of a tag's entries (`Tag.diaryEntries`)."""
        load = self._diary.entries.by_tag
        return _loader("entries_by_tag", load, max_batch_size=MAX_LOOKUP_KEYS)
