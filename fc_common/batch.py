"""Request and answer shapes of the services' batch reads and lookups, shared so both look alike.

Batch reads take `{"ids": [...]}` (`IdsBody`) and answer `Items`; batch lookups take one key per
request (a range, a tag page request) and answer `Results`, one result per key in request order.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fc_common.pagination import MAX_PAGE_SIZE, RowId

MAX_LOOKUP_KEYS = 500
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")

PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="Page size, 1–100")]


class Items(BaseModel, Generic[T]):
    """Answer to a batch read: one item per requested id, in request order, null for a miss."""

    items: list[T | None]


class Results(BaseModel, Generic[T]):
    """Answer to a batch lookup: one result per requested key, in request order."""

    results: list[T]


class TagPageRequest(BaseModel):
    """One page of the objects carrying a tag."""

    model_config = ConfigDict(extra="forbid")

    tag_id: RowId
    first: PageSize = DEFAULT_PAGE_SIZE
    after: str | None = Field(None, max_length=512, description="end_cursor of the previous page")


class TagPagesBody(BaseModel):
    """Many tag pages in one request (at most 500)."""

    model_config = ConfigDict(extra="forbid")

    requests: list[TagPageRequest] = Field(max_length=MAX_LOOKUP_KEYS)
