"""Typed client of the calendar service (tags and events), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from graph_gateway.clients.service import Rows, ServiceClient, TagPageKey
from graph_gateway.clients.service_json import JsonBody, TagJson
from graph_gateway.types.connection import EventConnection, read_event_page
from graph_gateway.types.event import Event
from graph_gateway.types.tag import Tag

TAGS = Rows("/tags", Tag.from_json)
EVENTS = Rows("/events", Event.from_json)


def _tag_list(raw: dict[str, list[TagJson]]) -> list[Tag]:
    return [Tag.from_json(t) for t in raw["items"]]


class CalendarClient(ServiceClient):
    """The calendar service's routes as typed methods; every call is scoped to `user_id`."""

    # --- tags --------------------------------------------------------------------------------

    async def list_tags(self) -> list[Tag]:
        """All the user's tags, by name."""
        return await self._upstream.call(
            "GET", "/tags", user_id=self._user_id, parse=_tag_list, idempotent=True
        )

    async def get_tags(self, ids: Sequence[int]) -> list[Tag | None]:
        """Tags by id in order, None for a miss or another user's tag."""
        return await self._batch(TAGS, ids)

    async def create_tag(self, *, name: str, color: str) -> Tag:
        """Create a tag; a taken name is BAD_USER_INPUT on `name`."""
        return await self._create(TAGS, {"name": name, "color": color})

    async def update_tag(self, tag_id: int, *, changes: JsonBody) -> Tag:
        """Rename or recolor a tag; NOT_FOUND if it is not the user's."""
        return await self._update(TAGS, tag_id, changes)

    async def delete_tag(self, tag_id: int) -> None:
        """Delete a tag and its event links; NOT_FOUND if it is not the user's."""
        await self._delete(TAGS, tag_id)

    # --- events ------------------------------------------------------------------------------

    async def get_events(self, ids: Sequence[int]) -> list[Event | None]:
        """Events by id in order, None for a miss or another user's event."""
        return await self._batch(EVENTS, ids)

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
        # In the body, not the URL: `search` and `after` are the user's own text.
        body = {
            "from": None if start is None else start.isoformat(),
            "to": None if end is None else end.isoformat(),
            "tag_id": tag_id,
            "search": search,
            "first": first,
            "after": after,
            "count": count,
        }
        return await self._read("/events/search", body, read_event_page)

    async def create_event(self, data: JsonBody) -> Event:
        """Create an event; invalid fields are BAD_USER_INPUT naming them."""
        return await self._create(EVENTS, data)

    async def update_event(self, event_id: int, *, changes: JsonBody) -> Event:
        """Change some fields of an event; NOT_FOUND if it is not the user's."""
        return await self._update(EVENTS, event_id, changes)

    async def delete_event(self, event_id: int) -> None:
        """Delete an event; NOT_FOUND if it is not the user's."""
        await self._delete(EVENTS, event_id)

    async def events_overlapping(
        self, ranges: Sequence[tuple[datetime, datetime]]
    ) -> list[list[Event]]:
        """For each `[start, end)` range, the user's events overlapping it."""
        return await self._in_ranges("/events/overlapping", ranges, Event.from_json)

    async def events_by_tag(self, requests: Sequence[TagPageKey]) -> list[EventConnection]:
        """For each `(tag_id, first, after)`, one page of the events carrying that tag."""
        return await self._by_tag("/events/by-tag", requests, read_event_page)
