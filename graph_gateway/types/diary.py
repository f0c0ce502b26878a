"""`DiaryEntry`: one entry of the user's diary (kept by the diary service)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import strawberry

from graph_gateway.clients.records import EntryRecord, ImageRecord
from graph_gateway.context import Info
from graph_gateway.types.decorators import field
from graph_gateway.types.enums import Mood, Weather
from graph_gateway.types.event import Event
from graph_gateway.types.image import DiaryImage
from graph_gateway.types.tag import Tag


def local_day(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The `[start, end)` UTC range of a date in a time zone (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


@strawberry.type(description="One entry of the user's diary.")
class DiaryEntry:
    """One entry of the user's diary."""

    id: strawberry.ID = strawberry.field(description="The entry's id.")
    date: dt.date = strawberry.field(description="The day the entry is about.")
    title: str | None = strawberry.field(description="An optional title (up to 200 characters).")
    content: str = strawberry.field(description="The text of the entry.")
    mood: Mood | None = strawberry.field(description="How the day felt.")
    weather: Weather | None = strawberry.field(description="What the weather was like.")
    created_at: datetime = strawberry.field(description="When the entry was written.")
    updated_at: datetime = strawberry.field(description="When the entry last changed.")
    tag_ids: strawberry.Private[list[int]]
    image_records: strawberry.Private[list[ImageRecord]]

    @classmethod
    def from_record(cls, record: EntryRecord) -> DiaryEntry:
        """The GraphQL object for an entry the diary answered."""
        return cls(
            id=strawberry.ID(str(record.id)),
            date=record.date,
            title=record.title,
            content=record.content,
            mood=Mood(record.mood) if record.mood is not None else None,
            weather=Weather(record.weather) if record.weather is not None else None,
            created_at=record.created_at,
            updated_at=record.updated_at,
            tag_ids=record.tag_ids,
            image_records=record.images,
        )

    @field("The entry's tags, by name (tags live in the calendar service).")
    async def tags(self, info: Info) -> list[Tag] | None:
        """The entry's tags, by name."""
        if not self.tag_ids:
            return []
        records = await info.context.loaders.tag.load_many(self.tag_ids)
        found = sorted((r for r in records if r is not None), key=lambda t: (t.name.lower(), t.id))
        return [Tag.from_record(r) for r in found]

    @field("The entry's images, oldest first.")
    def images(self, info: Info) -> list[DiaryImage]:
        """The entry's images, oldest first (they come embedded in the entry: no extra call)."""
        owner_id = info.context.user_id
        return [DiaryImage.from_record(r, owner_id=owner_id) for r in self.image_records]

    @field(
        "The user's events overlapping the entry's date as a day in the user's time zone "
        "(`User.timeZone`)."
    )
    async def events(self, info: Info) -> list[Event] | None:
        """The user's events overlapping the entry's local date."""
        day = local_day(self.date, info.context.time_zone)
        records = await info.context.loaders.events_overlapping.load(day)
        return [Event.from_record(r) for r in records]
