"""Typed client of the diary service (entries), acting for one user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from graph_gateway.clients.base import ServiceClient
from graph_gateway.clients.records import (
    EntryRecord,
    Json,
    PageRecord,
    entry_from_json,
    iso_or_none,
    items_from_json,
    page_from_json,
    results_from_json,
)


def _entries(raw: list[Json]) -> list[EntryRecord]:
    return [entry_from_json(e) for e in raw]


class DiaryClient(ServiceClient):
    """The diary service's routes as typed methods; every call is scoped to `user_id`."""

    async def get_entries(self, ids: Sequence[int]) -> list[EntryRecord | None]:
        """Entries by id in order, None for a miss or another user's entry."""
        raw = await self._read("/entries/batch", {"ids": list(ids)})
        return self._upstream.read(partial(items_from_json, item=entry_from_json), raw)

    async def list_entries(
        self,
        *,
        start: date | None,
        end: date | None,
        mood: str | None,
        tag_id: int | None,
        first: int,
        after: str | None,
    ) -> PageRecord[EntryRecord]:
        """One page of the user's entries dated within `[start, end]`, by date."""
        # In the body, not the URL: `after` is whatever the user sent back.
        body = {
            "from": iso_or_none(start),
            "to": iso_or_none(end),
            "mood": mood,
            "tag_id": tag_id,
            "first": first,
            "after": after,
        }
        raw = await self._read("/entries/search", body)
        return self._upstream.read(partial(page_from_json, item=entry_from_json), raw)

    async def create_entry(self, data: Json) -> EntryRecord:
        """Write an entry; invalid fields are BAD_USER_INPUT naming them."""
        raw = await self._write("POST", "/entries", body=data)
        return self._upstream.read(entry_from_json, raw)

    async def update_entry(self, entry_id: int, *, changes: Json) -> EntryRecord:
        """Change some fields of an entry; NOT_FOUND if it is not the user's."""
        raw = await self._write("PATCH", f"/entries/{entry_id}", body=changes)
        return self._upstream.read(entry_from_json, raw)

    async def delete_entry(self, entry_id: int) -> None:
        """Delete an entry with its images; NOT_FOUND if it is not the user's."""
        await self._write("DELETE", f"/entries/{entry_id}")

    async def entries_by_date_range(
        self, ranges: Sequence[tuple[date, date]]
    ) -> list[list[EntryRecord]]:
        """For each inclusive `[start, end]` date range, the user's entries dated within it."""
        body = {"ranges": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in ranges]}
        raw = await self._read("/entries/by-date-range", body)
        return self._upstream.read(partial(results_from_json, result=_entries), raw)

    async def entries_by_tag(
        self, requests: Sequence[tuple[int, int, str | None]]
    ) -> list[PageRecord[EntryRecord]]:
        """For each `(tag_id, first, after)`, one page of the entries carrying that tag."""
        body = {"requests": [{"tag_id": t, "first": f, "after": a} for t, f, a in requests]}
        raw = await self._read("/entries/by-tag", body)
        page = partial(page_from_json, item=entry_from_json)
        return self._upstream.read(partial(results_from_json, result=page), raw)

    async def forget_tag(self, tag_id: int) -> None:
        """Remove a deleted tag's id from all the user's entries (idempotent)."""
        await self._write("DELETE", f"/tags/{tag_id}")

    async def erase_account(self) -> None:
        """Delete everything the user owns here (idempotent: safe to repeat after a crash)."""
        await self._call("DELETE", "/account")
