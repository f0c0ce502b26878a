"""Per-request DataLoaders: every related object comes through one of these, batched per level.

Each loader turns the keys collected during one tick of the event loop into one call of a
service's batch route, and answers in key order (None or [] for misses). Keys are hashable
tuples, so the same range or page asked twice in a request costs nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cached_property

from strawberry.dataloader import DataLoader

from fc_common.batch import MAX_LOOKUP_KEYS
from fc_common.pagination import MAX_BATCH_SIZE
from graph_gateway.clients.calendar import CalendarClient
from graph_gateway.clients.diary import DiaryClient
from graph_gateway.clients.records import EntryRecord, EventRecord, PageRecord, TagRecord
from graph_gateway.observability.loader_spans import traced_batch

TimeRange = tuple[datetime, datetime]
"""`[start, end)` in UTC."""
DateRange = tuple[date, date]
"""`[start, end]`, both inclusive."""
TagPageKey = tuple[int, int, str | None]
"""`(tag_id, first, after)`."""


class Loaders:
    """The DataLoaders of one request, each built on first use."""

    def __init__(self, *, calendar: CalendarClient, diary: DiaryClient) -> None:
        self._calendar = calendar
        self._diary = diary

    @cached_property
    def tag(self) -> DataLoader[int, TagRecord | None]:
        """Tags by id (`tag(id:)`, `DiaryEntry.tags`)."""
        return DataLoader(traced_batch("tags", self._load_tags), max_batch_size=MAX_BATCH_SIZE)

    @cached_property
    def event(self) -> DataLoader[int, EventRecord | None]:
        """Events by id (`event(id:)`)."""
        return DataLoader(traced_batch("events", self._load_events), max_batch_size=MAX_BATCH_SIZE)

    @cached_property
    def entry(self) -> DataLoader[int, EntryRecord | None]:
        """Diary entries by id (`diaryEntry(id:)`)."""
        return DataLoader(
            traced_batch("entries", self._load_entries), max_batch_size=MAX_BATCH_SIZE
        )

    @cached_property
    def events_overlapping(self) -> DataLoader[TimeRange, list[EventRecord]]:
        """Events overlapping a UTC range (`Day.events`, `DiaryEntry.events`)."""
        return DataLoader(
            traced_batch("events_overlapping", self._calendar.events_overlapping),
            max_batch_size=MAX_LOOKUP_KEYS,
        )

    @cached_property
    def entries_in_dates(self) -> DataLoader[DateRange, list[EntryRecord]]:
        """Entries dated within a range (`Day.diaryEntries`, `Event.diaryEntries`)."""
        return DataLoader(
            traced_batch("entries_by_date_range", self._diary.entries_by_date_range),
            max_batch_size=MAX_LOOKUP_KEYS,
        )

    @cached_property
    def events_by_tag(self) -> DataLoader[TagPageKey, PageRecord[EventRecord]]:
        """A page of a tag's events (`Tag.events`)."""
        return DataLoader(
            traced_batch("events_by_tag", self._calendar.events_by_tag),
            max_batch_size=MAX_LOOKUP_KEYS,
        )

    @cached_property
    def entries_by_tag(self) -> DataLoader[TagPageKey, PageRecord[EntryRecord]]:
        """A page of a tag's entries (`Tag.diaryEntries`)."""
        return DataLoader(
            traced_batch("entries_by_tag", self._diary.entries_by_tag),
            max_batch_size=MAX_LOOKUP_KEYS,
        )

    async def _load_tags(self, ids: Sequence[int]) -> list[TagRecord | None]:
        return await self._calendar.get_tags(ids)

    async def _load_events(self, ids: Sequence[int]) -> list[EventRecord | None]:
        return await self._calendar.get_events(ids)

    async def _load_entries(self, ids: Sequence[int]) -> list[EntryRecord | None]:
        return await self._diary.get_entries(ids)
