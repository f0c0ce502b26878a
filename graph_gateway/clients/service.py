"""`ServiceClient`: a service's routes acting for one user, and the shapes its calls share.

Reads are POSTs (a batch read, a lookup, a search) stated idempotent; writes carry the request's
next idempotency key, which makes them idempotent too. Both services' collections (tags,
events, entries) have the same routes, so one `Collection` (and `PagedCollection` for those
read a page at a time) serves them all; the calendar and diary clients add their own lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from graph_gateway.clients.base import Shape, Upstream
from graph_gateway.clients.service_json import (
    JsonBody,
    PageJson,
    batch,
    each,
    no_content,
    results,
)
from graph_gateway.write_keys import WriteKeys

T = TypeVar("T")
P = TypeVar("P")
RowJson = TypeVar("RowJson")

TagPageKey = tuple[int, int, str | None]
"""`(tag_id, first, after)`: one page of the rows carrying a tag."""


class ServiceClient:
    """A service's routes acting for one user; its writes carry the request's idempotency keys."""

    def __init__(self, upstream: Upstream, *, user_id: int, keys: WriteKeys) -> None:
        self._upstream = upstream
        self._user_id = user_id
        self._keys = keys

    async def _read(self, path: str, body: JsonBody, parse: Callable[[Shape], T]) -> T:
        """POST a read (a batch read, a lookup, a search): idempotent, so retried like a GET."""
        return await self._upstream.call(
            "POST", path, user_id=self._user_id, body=body, parse=parse, idempotent=True
        )

    async def _write(
        self, method: str, path: str, parse: Callable[[Shape], T], body: JsonBody | None = None
    ) -> T:
        """A write under the next idempotency key of this request: the service runs a key
        once, so the write is idempotent and may be retried."""
        return await self._upstream.call(
            method,
            path,
            user_id=self._user_id,
            body=body,
            parse=parse,
            idempotency_key=self._keys.next(),
            idempotent=True,
        )

    async def _in_ranges(
        self, path: str, ranges: Sequence[tuple[date, date]], item: Callable[[Shape], T]
    ) -> list[list[T]]:
        """For each `(start, end)` range, the rows within it."""
        body = {"ranges": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in ranges]}
        return await self._read(path, body, results(each(item)))

    async def erase_account(self) -> None:
        """Delete everything the user owns in this service. Safe to repeat, but sent once: an
        unfinished erasure is repeated by the eraser's next round, not retried here."""
        await self._upstream.call(
            "DELETE", "/account", user_id=self._user_id, parse=no_content, idempotent=False
        )


@dataclass(frozen=True, slots=True)
class Collection(Generic[RowJson, T]):
    """A service's collection (`/events`) acting for one user. Its routes have one shape in
    both services: create, `/batch`, and `/{id}` to change or delete."""

    client: ServiceClient
    path: str
    read: Callable[[RowJson], T]

    async def get_many(self, ids: Sequence[int]) -> list[T | None]:
        """Rows by id in order, None for a miss or another user's row."""
        return await self.client._read(f"{self.path}/batch", {"ids": list(ids)}, batch(self.read))

    async def create(self, data: JsonBody) -> T:
        """Create a row; invalid fields are BAD_USER_INPUT naming them."""
        return await self.client._write("POST", self.path, self.read, data)

    async def update(self, row_id: int, changes: JsonBody) -> T:
        """Change some fields of a row; NOT_FOUND if it is not the user's."""
        return await self.client._write("PATCH", f"{self.path}/{row_id}", self.read, changes)

    async def delete(self, row_id: int) -> None:
        """Delete a row; NOT_FOUND if it is not the user's."""
        await self.client._write("DELETE", f"{self.path}/{row_id}", no_content)


@dataclass(frozen=True, slots=True)
class PagedCollection(Collection[RowJson, T], Generic[RowJson, T, P]):
    """A collection also read a page at a time (`P`, read by `read_page`): searched, or by tag."""

    read_page: Callable[[PageJson[RowJson]], P]

    async def search(self, filters: JsonBody, *, first: int, after: str | None, count: bool) -> P:
        """One page of the rows matching `filters`, counted in full only if `count`. In the
        body, not the URL: filters and cursors are the user's own text."""
        body = {**filters, "first": first, "after": after, "count": count}
        return await self.client._read(f"{self.path}/search", body, self.read_page)

    async def by_tag(self, requests: Sequence[TagPageKey]) -> list[P]:
        """For each `(tag_id, first, after)`, one page of the rows carrying that tag."""
        body = {"requests": [{"tag_id": t, "first": f, "after": a} for t, f, a in requests]}
        return await self.client._read(f"{self.path}/by-tag", body, results(self.read_page))
