"""`Tag`: a user's label for events and diary entries (kept by the calendar service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_gateway.clients.service_json import TagJson
from graph_gateway.types.arguments import (
    ABSENT,
    DEFAULT_PAGE_SIZE,
    After,
    First,
    given,
    page_size,
)
from graph_gateway.types.decorators import field
from graph_gateway.types.info import Info

if TYPE_CHECKING:
    from graph_gateway.clients.service import TagPageKey
    from graph_gateway.types.connection import DiaryEntryConnection, EventConnection


@strawberry.type(description="A label the user puts on events and diary entries.")
class Tag:
    id: strawberry.ID = strawberry.field(description="The tag's id.")
    name: str = strawberry.field(description="The tag's name, unique per user (any case).")
    color: str = strawberry.field(description="The tag's color as `#RRGGBB`.")

    @classmethod
    def from_json(cls, raw: TagJson) -> Tag:
        """The tag the calendar answered."""
        return cls(id=strawberry.ID(str(raw["id"])), name=raw["name"], color=raw["color"])

    @field("The events carrying this tag, by start time.")
    async def events(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = ABSENT
    ) -> Annotated[EventConnection, strawberry.lazy("graph_gateway.types.connection")]:
        return await info.context.loaders.events_by_tag.load(self._page(first, after))

    @field("The diary entries carrying this tag, by date.")
    async def diary_entries(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = ABSENT
    ) -> Annotated[DiaryEntryConnection, strawberry.lazy("graph_gateway.types.connection")] | None:
        return await info.context.loaders.entries_by_tag.load(self._page(first, after))

    def _page(self, first: int | None, after: str | None) -> TagPageKey:
        return int(self.id), page_size(first), given(after)
