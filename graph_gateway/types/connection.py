"""Relay-style connections: one generic `Edge` and `Connection`, described per node type.

A service answers a page as `PageJson` (items, each item's cursor, the total);
`Connection.reading` makes the parser that builds the connection straight from it. The
concrete types only fix the node type; what GraphiQL says of each is in one table below.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Generic, Self, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from graph_gateway.clients.service_json import PageJson
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event
from graph_gateway.types.info import Info

NodeT = TypeVar("NodeT", covariant=True)
EdgeT = TypeVar("EdgeT", bound="Edge[object]", covariant=True)
ItemT = TypeVar("ItemT")


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


@strawberry.type
class Connection(Generic[EdgeT]):
    edges: list[EdgeT]
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    # None when the query did not select `totalCount`, so the service was not asked to count
    # (were it resolved anyway, `Int!` would refuse the null: an error, never a wrong number).
    total_count: int | None = strawberry.field(graphql_type=int)

    @classmethod
    def reading(
        cls, edge: type[EdgeT], node: Callable[[ItemT], object]
    ) -> Callable[[PageJson[ItemT]], Self]:
        """The parser of a page a service answers, each item read by `node`."""
        return partial(cls.from_page, edge=edge, node=node)

    @classmethod
    def from_page(
        cls, raw: PageJson[ItemT], *, edge: type[EdgeT], node: Callable[[ItemT], object]
    ) -> Self:
        """The connection for a page a service answered."""
        items, cursors = raw["items"], raw["cursors"]
        return cls(
            edges=[edge(cursor=c, node=node(i)) for i, c in zip(items, cursors, strict=True)],
            page_info=PageInfo(has_next_page=raw["has_next_page"], end_cursor=raw["end_cursor"]),
            total_count=raw["total_count"],
        )


class EventEdge(Edge[Event]):
    pass


class EventConnection(Connection[EventEdge]):
    pass


class DiaryEntryEdge(Edge[DiaryEntry]):
    pass


class DiaryEntryConnection(Connection[DiaryEntryEdge]):
    pass


def _describe(described: dict[type, tuple[str, dict[str, str]]]) -> None:
    """Make each class a GraphQL type with its description and its fields' (by Python name)."""
    for concrete, (description, fields) in described.items():
        strawberry.type(concrete, description=description)
        own = concrete.__strawberry_definition__.fields  # type: ignore[attr-defined]
        for i, field in enumerate(own):
            if field.python_name in fields:
                # A copy: a field declared with `strawberry.field` is shared by every subclass.
                own[i] = copy.copy(field)
                own[i].description = fields[field.python_name]


_describe(
    {
        EventEdge: (
            "An event and its cursor.",
            {"cursor": "Pass as `after` to continue after this event.", "node": "The event."},
        ),
        EventConnection: (
            "A page of events, ordered by start time, then id.",
            {
                "edges": "The events of this page.",
                "total_count": "How many events match, over all pages.",
            },
        ),
        DiaryEntryEdge: (
            "A diary entry and its cursor.",
            {"cursor": "Pass as `after` to continue after this entry.", "node": "The diary entry."},
        ),
        DiaryEntryConnection: (
            "A page of diary entries, ordered by date, then id.",
            {
                "edges": "The entries of this page.",
                "total_count": "How many entries match, over all pages.",
            },
        ),
    }
)


def selects_total_count(info: Info) -> bool:
    """Whether the query selects `totalCount` on the connection this resolver answers (in a
    fragment too; under `@skip`/`@include` it counts as selected)."""
    pending: list[Selection] = [s for root in info.selected_fields for s in root.selections]
    while pending:
        selection = pending.pop()
        if not isinstance(selection, SelectedField):  # a fragment: its selections are ours
            pending.extend(selection.selections)
        elif selection.name == "totalCount":
            return True
    return False


read_event_page = EventConnection.reading(EventEdge, Event.from_json)
"""The parser of a page of events."""
read_entry_page = DiaryEntryConnection.reading(DiaryEntryEdge, DiaryEntry.from_json)
"""The parser of a page of diary entries."""
