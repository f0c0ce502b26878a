"""Relay-style connections: one generic `Edge`/`Connection`, described per node type.

A page comes from the service as `PageJson` (items, their cursors, the total); `from_page`
builds the connection straight from it. Each concrete connection only names its edge and
says, in the words GraphiQL shows, what it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Self, TypeVar

import strawberry

from graph_gateway.clients.service_json import EntryJson, EventJson, PageJson
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event

NodeT = TypeVar("NodeT")
EdgeT = TypeVar("EdgeT", covariant=True)
ItemT = TypeVar("ItemT")
C = TypeVar("C")


def described(description: str, **fields: str) -> Callable[[type[C]], type[C]]:
    """A GraphQL object type with its description and its fields' descriptions, by field name."""

    def describe(cls: type[C]) -> type[C]:
        typed = strawberry.type(cls, description=description)
        for field in typed.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            field.description = fields.get(field.python_name, field.description)
        return typed

    return describe


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null for an empty page."
    )


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT

    @classmethod
    def reading(cls, node: Callable[[ItemT], NodeT]) -> Callable[[ItemT, str], Self]:
        return lambda item, cursor: cls(cursor=cursor, node=node(item))


@strawberry.type
class Connection(Generic[EdgeT]):
    edges: list[EdgeT]
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int

    @classmethod
    def from_page(cls, raw: PageJson[ItemT], edge: Callable[[ItemT, str], EdgeT]) -> Self:
        return cls(
            edges=[edge(i, c) for i, c in zip(raw["items"], raw["cursors"], strict=True)],
            page_info=PageInfo(has_next_page=raw["has_next_page"], end_cursor=raw["end_cursor"]),
            total_count=raw["total_count"],
        )


@described(
    "An event and its cursor.",
    cursor="Pass as `after` to continue after this event.",
    node="The event.",
)
class EventEdge(Edge[Event]):
    pass


@described(
    "A page of events, ordered by start time, then id.",
    edges="The events of this page.",
    total_count="How many events match, over all pages.",
)
class EventConnection(Connection[EventEdge]):
    @classmethod
    def from_json(cls, raw: PageJson[EventJson]) -> EventConnection:
        return cls.from_page(raw, EventEdge.reading(Event.from_json))


@described(
    "A diary entry and its cursor.",
    cursor="Pass as `after` to continue after this entry.",
    node="The diary entry.",
)
class DiaryEntryEdge(Edge[DiaryEntry]):
    pass


@described(
    "A page of diary entries, ordered by date, then id.",
    edges="The entries of this page.",
    total_count="How many entries match, over all pages.",
)
class DiaryEntryConnection(Connection[DiaryEntryEdge]):
    @classmethod
    def from_json(cls, raw: PageJson[EntryJson]) -> DiaryEntryConnection:
        return cls.from_page(raw, DiaryEntryEdge.reading(DiaryEntry.from_json))
