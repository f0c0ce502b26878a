"""Relay-style connections: a page of events or diary entries, with cursors and a total."""

from __future__ import annotations

import strawberry

from graph_gateway.clients.records import EntryRecord, EventRecord, PageRecord
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    """Where a page stands in its list."""

    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null for an empty page."
    )


@strawberry.type(description="An event and its cursor.")
class EventEdge:
    """An event and its cursor."""

    cursor: str = strawberry.field(description="Pass as `after` to continue after this event.")
    node: Event = strawberry.field(description="The event.")


@strawberry.type(description="A page of events, ordered by start time, then id.")
class EventConnection:
    """A page of events, ordered by start time, then id."""

    edges: list[EventEdge] = strawberry.field(description="The events of this page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(description="How many events match, over all pages.")

    @classmethod
    def from_page(cls, page: PageRecord[EventRecord]) -> EventConnection:
        """The connection for a page the calendar answered."""
        return cls(
            edges=[
                EventEdge(cursor=cursor, node=Event.from_record(record))
                for record, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )


@strawberry.type(description="A diary entry and its cursor.")
class DiaryEntryEdge:
    """A diary entry and its cursor."""

    cursor: str = strawberry.field(description="Pass as `after` to continue after this entry.")
    node: DiaryEntry = strawberry.field(description="The diary entry.")


@strawberry.type(description="A page of diary entries, ordered by date, then id.")
class DiaryEntryConnection:
    """A page of diary entries, ordered by date, then id."""

    edges: list[DiaryEntryEdge] = strawberry.field(description="The entries of this page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(description="How many entries match, over all pages.")

    @classmethod
    def from_page(cls, page: PageRecord[EntryRecord]) -> DiaryEntryConnection:
        """The connection for a page the diary answered."""
        return cls(
            edges=[
                DiaryEntryEdge(cursor=cursor, node=DiaryEntry.from_record(record))
                for record, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )
