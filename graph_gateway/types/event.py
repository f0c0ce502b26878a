"""`Event`: something on the user's calendar, with its tags embedded."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_gateway.clients.service_json import EventJson
from graph_gateway.types.decorators import field
from graph_gateway.types.info import Info
from graph_gateway.types.tag import Tag

if TYPE_CHECKING:
    from graph_gateway.types.diary import DiaryEntry


def span_dates(starts_at: datetime, ends_at: datetime, zone: tzinfo) -> tuple[date, date]:
    """The first and last local dates an event touches in `zone`; an end at local midnight
    is not a touch."""
    last = ends_at - timedelta(microseconds=1) if ends_at > starts_at else ends_at
    return starts_at.astimezone(zone).date(), last.astimezone(zone).date()


@strawberry.type(description="Something on the user's calendar.")
class Event:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    title: str = strawberry.field(description="What the event is (1–200 characters).")
    description: str | None = strawberry.field(description="Notes about the event.")
    location: str | None = strawberry.field(description="Where the event takes place.")
    starts_at: datetime = strawberry.field(description="When the event starts (UTC).")
    ends_at: datetime = strawberry.field(
        description="When the event ends (UTC), not before it starts."
    )
    all_day: bool = strawberry.field(description="Whether the event fills whole days.")
    tags: list[Tag] = strawberry.field(description="The event's tags, by name.")
    created_at: datetime = strawberry.field(description="When the event was created.")
    updated_at: datetime = strawberry.field(description="When the event last changed.")

    @classmethod
    def from_json(cls, raw: EventJson) -> Event:
        """The event the calendar answered."""
        return cls(
            id=strawberry.ID(str(raw["id"])),
            title=raw["title"],
            description=raw["description"],
            location=raw["location"],
            starts_at=datetime.fromisoformat(raw["starts_at"]),
            ends_at=datetime.fromisoformat(raw["ends_at"]),
            all_day=raw["all_day"],
            tags=[Tag.from_json(t) for t in raw["tags"]],
            created_at=datetime.fromisoformat(raw["created_at"]),
            updated_at=datetime.fromisoformat(raw["updated_at"]),
        )

    @field(
        "The user's diary entries dated within the event's span, as local dates in the "
        "user's time zone (`User.timeZone`)."
    )
    async def diary_entries(
        self, info: Info
    ) -> list[Annotated[DiaryEntry, strawberry.lazy("graph_gateway.types.diary")]] | None:
        span = span_dates(self.starts_at, self.ends_at, info.context.time_zone)
        return await info.context.loaders.entries_in_dates.load(span)
