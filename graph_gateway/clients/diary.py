"""Typed client of the diary service (entries), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph_gateway.clients.service import Rows, ServiceClient, TagPageKey
from graph_gateway.clients.service_json import JsonBody, no_content
from graph_gateway.types.connection import DiaryEntryConnection, read_entry_page
from graph_gateway.types.diary import DiaryEntry

ENTRIES = Rows("/entries", DiaryEntry.from_json)


class DiaryClient(ServiceClient):
    """The diary service's routes as typed methods; every call is scoped to `user_id`."""

    async def get_entries(self, ids: Sequence[int]) -> list[DiaryEntry | None]:
        """Entries by id in order, None for a miss or another user's entry."""
        return await self._batch(ENTRIES, ids)

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
        # In the body, not the URL: `after` is whatever the user sent back.
        body = {
            "from": None if start is None else start.isoformat(),
            "to": None if end is None else end.isoformat(),
            "mood": mood,
            "tag_id": tag_id,
            "first": first,
            "after": after,
            "count": count,
        }
        return await self._read("/entries/search", body, read_entry_page)

    async def create_entry(self, data: JsonBody) -> DiaryEntry:
        """Write an entry; invalid fields are BAD_USER_INPUT naming them."""
        return await self._create(ENTRIES, data)

    async def update_entry(self, entry_id: int, *, changes: JsonBody) -> DiaryEntry:
        """Change some fields of an entry; NOT_FOUND if it is not the user's."""
        return await self._update(ENTRIES, entry_id, changes)

    async def delete_entry(self, entry_id: int) -> None:
        """Delete an entry with its images; NOT_FOUND if it is not the user's."""
        await self._delete(ENTRIES, entry_id)

    async def entries_by_date_range(
        self, ranges: Sequence[tuple[date, date]]
    ) -> list[list[DiaryEntry]]:
        """For each inclusive `[start, end]` date range, the user's entries dated within it."""
        return await self._in_ranges("/entries/by-date-range", ranges, DiaryEntry.from_json)

    async def entries_by_tag(self, requests: Sequence[TagPageKey]) -> list[DiaryEntryConnection]:
        """For each `(tag_id, first, after)`, one page of the entries carrying that tag."""
        return await self._by_tag("/entries/by-tag", requests, read_entry_page)

    async def forget_tag(self, tag_id: int) -> None:
        """Remove a deleted tag's id from all the user's entries (idempotent)."""
        await self._write("DELETE", f"/tags/{tag_id}", no_content)
