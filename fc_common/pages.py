"""Keyset pages of a filtered list: the total when asked, then one page past a cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from fc_common.db import SqlRunner
from fc_common.json_rows import JsonObject, page_json
from fc_common.sql import Row


def keyset_page(
    session: SqlRunner,
    listed: sa.Select[Any],
    *,
    table: sa.Table,
    filters: Sequence[sa.ColumnElement[bool]],
    after: sa.ColumnElement[bool] | None,
    first: int,
    count: bool,
    publish: Callable[[list[Row]], list[JsonObject]],
    cursor_of: Callable[[JsonObject], str],
) -> JsonObject:
    """A page (the `Page` shape) of `listed` (its columns, in its keyset order) where `filters`
    hold: at most `first` rows past `after`, built by `publish`; `table`'s matching rows over
    all pages are counted only when `count`."""
    total = None
    if count:
        counted = sa.select(sa.func.count()).select_from(table).where(*filters)
        total = session.execute(counted).scalar() or 0
    if after is not None:
        filters = [*filters, after]
    # The extra row only says a next page exists: it is fetched, never built.
    rows = list(session.execute(listed.where(*filters).limit(first + 1)).all())
    return page_json(
        publish(rows[:first]),
        has_next_page=len(rows) > first,
        total_count=total,
        cursor_of=cursor_of,
    )
