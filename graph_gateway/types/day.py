"""`Day`: one local day of a calendar view, with its events and diary entries."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import strawberry

from graph_gateway.errors import BadUserInputError
from graph_gateway.types.decorators import field
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.event import Event
from graph_gateway.types.info import Info

MAX_DAYS = 62


@strawberry.type(description="One day in the requested time zone.")
class Day:
    date: dt.date = strawberry.field(description="The local date.")
    utc_start: strawberry.Private[datetime]
    utc_end: strawberry.Private[datetime]

    @field("The user's events overlapping this local day.")
    async def events(self, info: Info) -> list[Event] | None:
        return await info.context.loaders.events_overlapping.load((self.utc_start, self.utc_end))

    @field("The user's diary entries dated this day.")
    async def diary_entries(self, info: Info) -> list[DiaryEntry] | None:
        return await info.context.loaders.entries_in_dates.load((self.date, self.date))


def days_between(first: date, last: date, zone: ZoneInfo) -> list[Day]:
    """Each local day from `first` to `last` inclusive (at most 62), with its UTC bounds."""
    if last < first:
        raise BadUserInputError("to must not be before from", field="to")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadUserInputError(f"At most {MAX_DAYS} days at a time", field="to")
    try:
        # Local midnights, converted once each: day n ends where day n+1 starts (DST-safe).
        bounds = [
            datetime.combine(first + timedelta(days=n), time(), tzinfo=zone).astimezone(UTC)
            for n in range((last - first).days + 2)
        ]
    except (OverflowError, ValueError) as exc:
        raise BadUserInputError("Dates out of range", field="to") from exc
    return [
        Day(date=first + timedelta(days=n), utc_start=bounds[n], utc_end=bounds[n + 1])
        for n in range(len(bounds) - 1)
    ]
