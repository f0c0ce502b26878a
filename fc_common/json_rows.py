"""Read paths answer straight from rows: column values → dicts → orjson bytes, no model per row.

Validation is for input; what a read answers is columns the database already typed. A route
keeps its `response_model` (the OpenAPI document stays true) but returns a `JsonAnswer`, which
FastAPI sends as it is, without validating and serializing the answer a second time. Aware UTC
datetimes are written with a `Z`, as pydantic writes them, so the JSON is the same as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi import Response

JsonObject = dict[str, Any]
"""One row as its JSON object: column name → value (orjson encodes dates, datetimes, enums)."""

ORJSON_OPTIONS = orjson.OPT_UTC_Z


class JsonAnswer(Response):
    """A read's answer: any JSON-able value, encoded once by orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=ORJSON_OPTIONS)


def column_keys(columns: Sequence[sa.ColumnElement[Any]]) -> tuple[str, ...]:
    """The JSON keys of a statement's selected columns (their names), computed once."""
    return tuple(str(column.key) for column in columns)


def objects(keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[JsonObject]:
    """Each row's first `len(keys)` values under `keys`."""
    return [dict(zip(keys, row, strict=False)) for row in rows]


def distinct_objects(
    keys: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[list[JsonObject], dict[Any, JsonObject]]:
    """Each row's object, in row order, and those objects by their `id` (one of `keys`).

    A row repeating an id (a join's fan-out) shares the first one's object, so what is added to
    it later (embedded lists) is added once.
    """
    id_at = keys.index("id")
    by_id: dict[Any, JsonObject] = {}
    found: list[JsonObject] = []
    for row in rows:
        item = by_id.get(row[id_at])
        if item is None:
            item = by_id[row[id_at]] = dict(zip(keys, row, strict=False))
        found.append(item)
    return found, by_id


def page_json(
    items: list[JsonObject],
    *,
    has_next_page: bool,
    total_count: int | None,
    cursor_of: Callable[[JsonObject], str],
) -> JsonObject:
    """A keyset page (the `Page` shape) of items already cut to the page size."""
    cursors = [cursor_of(item) for item in items]
    return {
        "items": items,
        "cursors": cursors,
        "total_count": total_count,
        "has_next_page": has_next_page,
        "end_cursor": cursors[-1] if cursors else None,
    }
