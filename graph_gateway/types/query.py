"""`Query`: what the signed-in user can read. Root fields are nullable so one service's outage
nulls only its own fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, TypeVar

import strawberry
from anyio import to_thread
from strawberry.dataloader import DataLoader

from graph_gateway.errors import UnauthenticatedError
from graph_gateway.time_zones import time_zone
from graph_gateway.types.api_key import ApiKey
from graph_gateway.types.arguments import (
    ABSENT,
    DEFAULT_PAGE_SIZE,
    After,
    EntryId,
    EventId,
    First,
    TagId,
    describe,
    given,
    id_or_none,
    input_id,
    page_size,
)
from graph_gateway.types.connection import (
    DiaryEntryConnection,
    EventConnection,
    selects_total_count,
)
from graph_gateway.types.day import Day, days_between
from graph_gateway.types.decorators import field
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.types.enums import Mood
from graph_gateway.types.event import Event
from graph_gateway.types.info import Info
from graph_gateway.types.tag import Tag
from graph_gateway.types.user import User

R = TypeVar("R")

TagFilter = Annotated[strawberry.ID | None, describe("Only those carrying this tag.")]


def _tag_filter(tag_id: strawberry.ID | None) -> int | None:
    """The row id of a `tagId` filter, if one was given."""
    chosen = given(tag_id)
    return None if chosen is None else input_id(chosen, field="tagId")


async def _by_id(loader: DataLoader[int, R | None], id: strawberry.ID) -> R | None:
    """The object a GraphQL id names, through the request's loader; None for any unknown id."""
    row_id = id_or_none(id)
    return None if row_id is None else await loader.load(row_id)


@strawberry.type(description="Read the signed-in user's account, calendar and diary.")
class Query:
    @field("The signed-in user.")
    async def me(self, info: Info) -> User | None:
        user = await info.context.services.accounts.users.get_user(info.context.user_id)
        if user is None:
            raise UnauthenticatedError("The account of this token no longer exists")
        return User.from_row(user)

    @field("One of the user's events; null if there is no such event.")
    async def event(self, info: Info, id: EventId) -> Event | None:
        return await _by_id(info.context.loaders.event, id)

    @field("The user's events by start time, filtered, a page at a time.")
    async def events(
        self,
        info: Info,
        from_: Annotated[
            dt.datetime | None, describe("Events overlapping from (inclusive).", "from")
        ] = ABSENT,
        to: Annotated[
            dt.datetime | None, describe("Events overlapping up to (exclusive).")
        ] = ABSENT,
        tag_id: TagFilter = ABSENT,
        search: Annotated[
            str | None, describe("Text in the title or description, any case.")
        ] = ABSENT,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = ABSENT,
    ) -> EventConnection | None:
        return await info.context.calendar.list_events(
            start=given(from_),
            end=given(to),
            tag_id=_tag_filter(tag_id),
            search=given(search),
            first=page_size(first),
            after=given(after),
            count=selects_total_count(info),
        )

    @field("One of the user's tags; null if there is no such tag.")
    async def tag(self, info: Info, id: TagId) -> Tag | None:
        return await _by_id(info.context.loaders.tag, id)

    @field("All the user's tags, by name.")
    async def tags(self, info: Info) -> list[Tag] | None:
        return await info.context.calendar.list_tags()

    @field("One of the user's diary entries; null if there is no such entry.")
    async def diary_entry(self, info: Info, id: EntryId) -> DiaryEntry | None:
        return await _by_id(info.context.loaders.entry, id)

    @field("The user's diary entries by date, filtered, a page at a time.")
    async def diary_entries(
        self,
        info: Info,
        from_: Annotated[dt.date | None, describe("Entries dated on or after.", "from")] = ABSENT,
        to: Annotated[dt.date | None, describe("Entries dated on or before.")] = ABSENT,
        mood: Annotated[Mood | None, describe("Only entries with this mood.")] = ABSENT,
        tag_id: TagFilter = ABSENT,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = ABSENT,
    ) -> DiaryEntryConnection | None:
        return await info.context.diary.list_entries(
            start=given(from_),
            end=given(to),
            mood=None if (chosen := given(mood)) is None else chosen.value,
            tag_id=_tag_filter(tag_id),
            first=page_size(first),
            after=given(after),
            count=selects_total_count(info),
        )

    @field("Each day from `from` to `to` (inclusive, at most 62 days).")
    def days(
        self,
        info: Info,
        from_: Annotated[dt.date, describe("The first local date.", "from")],
        to: Annotated[dt.date, describe("The last local date (inclusive).")],
        time_zone_name: Annotated[
            str | None,
            describe(
                "The IANA time zone the days are local to, e.g. `Asia/Seoul`; "
                "absent or null: the user's own (`User.timeZone`).",
                "timeZone",
            ),
        ] = ABSENT,
    ) -> list[Day] | None:
        zone = given(time_zone_name)
        default = info.context.time_zone  # also refuses anonymous callers before any work
        return days_between(from_, to, default if zone is None else time_zone(zone))

    @field("The signed-in user's API keys, newest first (a session's token required).")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        principal = info.context.session_principal
        rows = await to_thread.run_sync(
            info.context.services.accounts.api_keys.list, principal.user_id
        )
        return [ApiKey.from_row(row) for row in rows]
