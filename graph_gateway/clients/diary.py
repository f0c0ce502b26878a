"""Typed client of the diary service (entries), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph_gateway.clients.base import Upstream
from graph_gateway.clients.service import PagedCollection, ServiceClient
from graph_gateway.clients.service_json import iso, no_content
from graph_gateway.types.connection import DiaryEntryConnection, read_entry_page
from graph_gateway.types.diary import DiaryEntry
from graph_gateway.write_keys import WriteKeys


class DiaryClient(ServiceClient):
    """The diary service's routes as typed methods; every call is scoped to `user_id`."""

    def __init__(self, upstream: Upstream, *, user_id: int, keys: WriteKeys) -> None:
        super().__init__(upstream, user_id=user_id, keys=keys)
        self.entries = PagedCollection(self, "/entries", DiaryEntry.from_json, read_entry_page)

    async def list_entries(
        self,
        *,
        start: date | None,
        end: date | None,
        mood: str | None,
        tag_id: int | None,
        first: int,
        after: str | None,
        count: bool = True,
    ) -> DiaryEntryConnection:
        """One page of the user's entries dated within `[start, end]`, by date; the total is
        counted only if `count` (the query selects `totalCount`)."""
        filters = {"from": iso(start), "to": iso(end), "mood": mood, "tag_id": tag_id}
        return await self.entries.search(filters, first=first, after=after, count=count)

    async def entries_by_date_range(
        self, ranges: Sequence[tuple[date, date]]
    ) -> list[list[DiaryEntry]]:
        """For each inclusive `[start, end]` date range, the user's entries dated within it."""
        return await self._in_ranges("/entries/by-date-range", ranges, DiaryEntry.from_json)

    async def forget_tag(self, tag_id: int) -> None:
        """Remove a deleted tag's id from all the user's entries (idempotent)."""
        await self._write("DELETE", f"/tags/{tag_id}", no_content)
