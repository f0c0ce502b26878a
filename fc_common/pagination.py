"""Opaque keyset cursors and the page shape the services return."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field

from fc_common.errors import ValidationFailedError

MAX_PAGE_SIZE = 100
MAX_BATCH_SIZE = 1000
MAX_ROW_ID = 2**53 - 1
MAX_CURSOR_CHARS = 512

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A row id: a positive integer that a JSON number (a double) carries exactly."""

Cursor = Annotated[str, Field(max_length=MAX_CURSOR_CHARS, description="A page's end_cursor")]
"""An `after` cursor as a client sends it back (only the service that made it can read it)."""

T = TypeVar("T")
S = TypeVar("S")

CursorKey = tuple[str, int]
"""The sort value (ISO text) and the row id of the last row on a page."""


class Page(BaseModel, Generic[T]):
    """One page of a keyset-paginated list, with the total count of matching rows."""

    items: list[T]
    # Each item's own cursor, in order: callers paginate from any item without knowing the format.
    cursors: list[str]
    total_count: int | None = Field(
        description="How many rows match over all pages; null when the request said `count=false`"
    )
    has_next_page: bool
    end_cursor: str | None = None


def encode_cursor(sort_value: str, row_id: int) -> str:
    """Make an opaque, URL-safe cursor for a row."""
    return base64.urlsafe_b64encode(orjson.dumps([sort_value, row_id])).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "after") -> CursorKey:
    """Read a cursor back; anything not made by `encode_cursor` is a validation error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_value, row_id = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise ValidationFailedError("Invalid cursor", field=field) from exc
    if not isinstance(sort_value, str) or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise ValidationFailedError("Invalid cursor", field=field)
    return sort_value, row_id


def decode_keyset(
    cursor: str | None, *, field: str, parse: Callable[[str], S], start: tuple[S, int]
) -> tuple[S, int]:
    """The keyset position (sort value, row id) a cursor names; `start` when there is none.

    `parse` reads the sort value back (a `ValueError` makes the cursor invalid, a 422 on `field`).
    """
    if cursor is None:
        return start
    sort_text, row_id = decode_cursor(cursor, field=field)
    try:
        sort_value = parse(sort_text)
    except ValueError as exc:
        raise ValidationFailedError("Invalid cursor", field=field) from exc
    if not 0 <= row_id <= MAX_ROW_ID:
        raise ValidationFailedError("Invalid cursor", field=field)
    return sort_value, row_id


class IdsBody(BaseModel):
    """A batch of ids to read, answered in the same order (null for misses)."""

    model_config = {"extra": "forbid"}

    ids: list[RowId] = Field(max_length=MAX_BATCH_SIZE)
