"""`Tag`: a user's label for events and diary entries (kept by the calendar service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_gateway.clients.records import TagRecord
from graph_gateway.context import Info
from graph_gateway.types.arguments import (
    ABSENT,
    AFTER,
    DEFAULT_PAGE_SIZE,
    FIRST,
    given,
    page_size,
)
from graph_gateway.types.decorators import field

if TYPE_CHECKING:
    from graph_gateway.types.connection import DiaryEntryConnection, EventConnection


@strawberry.type(description="A label the user puts on events and diary entries.")
class Tag:
    """A label the user puts on events and diary entries."""

    id: strawberry.ID = strawberry.field(description="The tag's id.")
    name: str = strawberry.field(description="The tag's name, unique per user (any case).")
    color: str = strawberry.field(description="The tag's color as `#RRGGBB`.")

    @classmethod
    def from_record(cls, record: TagRecord) -> Tag:
        """The GraphQL object for a tag the calendar answered."""
        return cls(id=strawberry.ID(str(record.id)), name=record.name, color=record.color)

    @field("The events carrying this tag, by start time.")
    async def events(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = ABSENT,
    ) -> Annotated[EventConnection, strawberry.lazy("graph_gateway.types.connection")]:
        """The events carrying this tag, by start time."""
        from graph_gateway.types.connection import (
            EventConnection,  # import cycle: connection imports this module
        )

        key = (int(self.id), page_size(first), given(after))
        return EventConnection.from_page(await info.context.loaders.events_by_tag.load(key))

    @field("The diary entries carrying this tag, by date.")
    async def diary_entries(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = ABSENT,
    ) -> Annotated[DiaryEntryConnection, strawberry.lazy("graph_gateway.types.connection")] | None:
        """The diary entries carrying this tag, by date."""
        from graph_gateway.types.connection import (
            DiaryEntryConnection,  # import cycle: connection imports this module
        )

        key = (int(self.id), page_size(first), given(after))
        return DiaryEntryConnection.from_page(await info.context.loaders.entries_by_tag.load(key))
