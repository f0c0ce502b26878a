"""Typed client of the calendar service (tags and events), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.service import Collection, PagedCollection, ServiceClient
from graph_gateway.clients.service_json import TagJson, iso
from graph_gateway.types.connection import EventConnection, read_event_page
from graph_gateway.types.event import Event
from graph_gateway.types.tag import Tag
from graph_gateway.write_keys import WriteKeys


def _tag_list(raw: dict[str, list[TagJson]]) -> list[Tag]:
    return [Tag.from_json(t) for t in raw["items"]]


class CalendarClient(ServiceClient):
    """The calendar service's routes as typed methods; every call is scoped to `user_id`."""

    def __init__(self, upstream: Upstream, *, user_id: int, keys: WriteKeys) -> None:
        super().__init__(upstream, user_id=user_id, keys=keys)
        self.tags = Collection(self, "/tags", Tag.from_json)
        self.events = PagedCollection(self, "/events", Event.from_json, read_event_page)

    async def list_tags(self) -> list[Tag]:
        """All the user's tags, by name."""
        return await self._upstream.call(
            "GET", "/tags", user_id=self._user_id, parse=_tag_list, idempotent=True
        )

    async def list_events(
        self,
        *,
        start: datetime | None,
        end: datetime | None,
        tag_id: int | None,
        search: str | None,
        first: int,
        after: str | None,
        count: bool = True,
    ) -> EventConnection:
        """One page of the user's events overlapping `[start, end)`, by start time; the total
        is counted only if `count` (the query selects `totalCount`)."""
        filters = {"from": iso(start), "to": iso(end), "tag_id": tag_id, "search": search}
        return await self.events.search(filters, first=first, after=after, count=count)

    async def events_overlapping(
        self, ranges: Sequence[tuple[datetime, datetime]]
    ) -> list[list[Event]]:
        """For each `[start, end)` range, the user's events overlapping it."""
        return await self._in_ranges("/events/overlapping", ranges, Event.from_json)
