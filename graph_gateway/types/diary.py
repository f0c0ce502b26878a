"""`DiaryEntry`: one entry of the user's diary (kept by the diary service)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import strawberry

from graph_gateway.clients.service_json import EntryJson
from graph_gateway.types.decorators import field
from graph_gateway.types.enums import Mood, Weather
from graph_gateway.types.event import Event
from graph_gateway.types.image import DiaryImage
from graph_gateway.types.info import Info
from graph_gateway.types.tag import Tag


def local_day(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The `[start, end)` UTC range of a date in a time zone (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


@strawberry.type(description="One entry of the user's diary.")
class DiaryEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    date: dt.date = strawberry.field(description="The day the entry is about.")
    title: str | None = strawberry.field(description="An optional title (up to 200 characters).")
    content: str = strawberry.field(description="The text of the entry.")
    mood: Mood | None = strawberry.field(description="How the day felt.")
    weather: Weather | None = strawberry.field(description="What the weather was like.")
    created_at: datetime = strawberry.field(description="When the entry was written.")
    updated_at: datetime = strawberry.field(description="When the entry last changed.")
    tag_ids: strawberry.Private[list[int]]
    attached_images: strawberry.Private[list[DiaryImage]]

    @classmethod
    def from_json(cls, raw: EntryJson) -> DiaryEntry:
        """The entry the diary answered."""
        mood, weather = raw["mood"], raw["weather"]
        return cls(
            id=strawberry.ID(str(raw["id"])),
            date=date.fromisoformat(raw["date"]),
            title=raw["title"],
            content=raw["content"],
            mood=None if mood is None else Mood(mood),
            weather=None if weather is None else Weather(weather),
            created_at=datetime.fromisoformat(raw["created_at"]),
            updated_at=datetime.fromisoformat(raw["updated_at"]),
            tag_ids=raw["tag_ids"],
            attached_images=[DiaryImage.from_json(i) for i in raw["images"]],
        )

    @field("The entry's tags, by name (tags live in the calendar service).")
    async def tags(self, info: Info) -> list[Tag] | None:
        if not self.tag_ids:
            return []
        tags = await info.context.loaders.tag.load_many(self.tag_ids)
        return sorted((t for t in tags if t is not None), key=lambda t: (t.name.lower(), int(t.id)))

    @field("The entry's images, oldest first.")
    def images(self) -> list[DiaryImage]:
        # They come embedded in the entry: no extra call.
        return self.attached_images

    @field(
        "The user's events overlapping the entry's date as a day in the user's time zone "
        "(`User.timeZone`)."
    )
    async def events(self, info: Info) -> list[Event] | None:
        day = local_day(self.date, info.context.time_zone)
        return await info.context.loaders.events_overlapping.load(day)
