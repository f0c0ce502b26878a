"""Typed client of the calendar service (tags and events), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from graph_gateway.clients.base import ServiceClient
from graph_gateway.clients.records import (
    EventRecord,
    Json,
    PageRecord,
    TagRecord,
    event_from_json,
    iso_or_none,
    items_from_json,
    page_from_json,
    results_from_json,
    tag_from_json,
)


def _events(raw: list[Json]) -> list[EventRecord]:
    return [event_from_json(e) for e in raw]


class CalendarClient(ServiceClient):
    """The calendar service's routes as typed methods; every call is scoped to `user_id`."""

    # --- tags --------------------------------------------------------------------------------

    async def list_tags(self) -> list[TagRecord]:
        """All the user's tags, by name."""
        raw = await self._call("GET", "/tags")
        return self._upstream.read(lambda r: [tag_from_json(t) for t in r["items"]], raw)

    async def get_tags(self, ids: Sequence[int]) -> list[TagRecord | None]:
        """Tags by id in order, None for a miss or another user's tag."""
        raw = await self._read("/tags/batch", {"ids": list(ids)})
        return self._upstream.read(partial(items_from_json, item=tag_from_json), raw)

    async def create_tag(self, *, name: str, color: str) -> TagRecord:
        """Create a tag; a taken name is BAD_USER_INPUT on `name`."""
        raw = await self._write("POST", "/tags", body={"name": name, "color": color})
        return self._upstream.read(tag_from_json, raw)

    async def update_tag(self, tag_id: int, *, changes: Json) -> TagRecord:
        """Rename or recolor a tag; NOT_FOUND if it is not the user's."""
        raw = await self._write("PATCH", f"/tags/{tag_id}", body=changes)
        return self._upstream.read(tag_from_json, raw)

    async def delete_tag(self, tag_id: int) -> None:
        """Delete a tag and its event links; NOT_FOUND if it is not the user's."""
        await self._write("DELETE", f"/tags/{tag_id}")

    # --- events ------------------------------------------------------------------------------

    async def get_events(self, ids: Sequence[int]) -> list[EventRecord | None]:
        """Events by id in order, None for a miss or another user's event."""
        raw = await self._read("/events/batch", {"ids": list(ids)})
        return self._upstream.read(partial(items_from_json, item=event_from_json), raw)

    async def list_events(
        self,
        *,
        start: datetime | None,
        end: datetime | None,
        tag_id: int | None,
        search: str | None,
        first: int,
        after: str | None,
    ) -> PageRecord[EventRecord]:
        """One page of the user's events overlapping `[start, end)`, by start time."""
        # In the body, not the URL: `search` and `after` are the user's own text.
        body = {
            "from": iso_or_none(start),
            "to": iso_or_none(end),
            "tag_id": tag_id,
            "search": search,
            "first": first,
            "after": after,
        }
        raw = await self._read("/events/search", body)
        return self._upstream.read(partial(page_from_json, item=event_from_json), raw)

    async def create_event(self, data: Json) -> EventRecord:
        """Create an event; invalid fields are BAD_USER_INPUT naming them."""
        raw = await self._write("POST", "/events", body=data)
        return self._upstream.read(event_from_json, raw)

    async def update_event(self, event_id: int, *, changes: Json) -> EventRecord:
        """Change some fields of an event; NOT_FOUND if it is not the user's."""
        raw = await self._write("PATCH", f"/events/{event_id}", body=changes)
        return self._upstream.read(event_from_json, raw)

    async def delete_event(self, event_id: int) -> None:
        """Delete an event; NOT_FOUND if it is not the user's."""
        await self._write("DELETE", f"/events/{event_id}")

    async def events_overlapping(
        self, ranges: Sequence[tuple[datetime, datetime]]
    ) -> list[list[EventRecord]]:
        """For each `[start, end)` range, the user's events overlapping it."""
        body = {"ranges": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in ranges]}
        raw = await self._read("/events/overlapping", body)
        return self._upstream.read(partial(results_from_json, result=_events), raw)

    async def events_by_tag(
        self, requests: Sequence[tuple[int, int, str | None]]
    ) -> list[PageRecord[EventRecord]]:
        """For each `(tag_id, first, after)`, one page of the events carrying that tag."""
        body = {"requests": [{"tag_id": t, "first": f, "after": a} for t, f, a in requests]}
        raw = await self._read("/events/by-tag", body)
        page = partial(page_from_json, item=event_from_json)
        return self._upstream.read(partial(results_from_json, result=page), raw)

    async def erase_account(self) -> None:
        """Delete everything the user owns here (idempotent: safe to repeat after a crash)."""
        await self._call("DELETE", "/account")
