"""The diary's reads: owner-scoped lookups, keyset lists and the gateway's batch lookups.

Every function takes the owner id and filters by it, so no path reaches another owner's rows.
Lists are ordered by (date, id) and paginated by that key; cursors carry it opaquely. A batch
lookup runs one statement for all its keys (a VALUES table of them), plus one each for the
entries' tag links and images.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa

from diary_svc.image_reads import images_by_entry
from diary_svc.models import DateRange, entry_t, link_t
from fc_common.batch import TagPageRequest
from fc_common.db import SqlRunner
from fc_common.diary_enums import Mood
from fc_common.errors import found_or_404
from fc_common.json_rows import JsonObject, column_keys, distinct_objects, page_json
from fc_common.pages import keyset_page
from fc_common.pagination import decode_keyset, encode_cursor
from fc_common.sql import grouped, in_request_order, rows_for_ids, values_cte

EntryKey = tuple[dt.date, int]
"""The keyset position of an entry: its date and id."""

# The public columns, in `EntryPublic`'s order (its tag ids and images come from their tables).
ENTRY_COLUMNS = tuple(
    entry_t.c[name]
    for name in ("date", "title", "content", "mood", "weather", "id", "created_at", "updated_at")
)
ENTRY_KEYS = column_keys(ENTRY_COLUMNS)
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)

_BY_IDS = sa.select(*ENTRY_COLUMNS).where(
    entry_t.c.owner_id == sa.bindparam("owner_id", type_=sa.BigInteger), entry_t.c.id.in_(_IDS)
)
_LISTED = sa.select(*ENTRY_COLUMNS).order_by(entry_t.c.date, entry_t.c.id)
_TAG_IDS = (
    sa.select(link_t.c.entry_id, link_t.c.tag_id)
    .where(link_t.c.entry_id.in_(_IDS))
    .order_by(link_t.c.entry_id, link_t.c.tag_id)
)


def entry_cursor(entry: JsonObject) -> str:
    """The opaque cursor pointing just after an entry."""
    return encode_cursor(entry["date"].isoformat(), entry["id"])


def _cursor_position(after: str | None, *, field: str) -> EntryKey:
    """The keyset position an `after` cursor names (the very beginning when there is none)."""
    return decode_keyset(after, field=field, parse=dt.date.fromisoformat, start=(dt.date.min, 0))


def _tag_ids_by_entry(session: SqlRunner, entry_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each entry's tag ids, ascending, in one query per 5,000 entries."""
    tags: dict[int, list[int]] = {}
    for row in rows_for_ids(session, _TAG_IDS, entry_ids):
        tags.setdefault(row.entry_id, []).append(row.tag_id)
    return tags


def publish(session: SqlRunner, rows: Sequence[Sequence[Any]]) -> list[JsonObject]:
    """Entry rows (the public columns first) as JSON objects, in the given order, their tag ids
    and images read in one query each; one object per distinct entry."""
    entries, by_id = distinct_objects(ENTRY_KEYS, rows)
    tags = _tag_ids_by_entry(session, list(by_id))
    images = images_by_entry(session=session, entry_ids=list(by_id))
    for entry_id, entry in by_id.items():
        entry["tag_ids"] = tags.get(entry_id, [])
        entry["images"] = images.get(entry_id, [])
    return entries


def get_entry(*, session: SqlRunner, owner_id: int, entry_id: int) -> JsonObject:
    """One of the owner's entries, or `NotFoundError`."""
    return found_or_404(
        get_entries(session=session, owner_id=owner_id, ids=[entry_id]), "Entry not found"
    )


def _key_after(after: EntryKey) -> sa.ColumnElement[bool]:
    """Rows strictly after a keyset position in (date, id) order."""
    return sa.tuple_(entry_t.c.date, entry_t.c.id) > sa.tuple_(
        sa.literal(after[0], sa.Date), sa.literal(after[1], sa.BigInteger)
    )


def list_entries(
    *,
    session: SqlRunner,
    owner_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    mood: Mood | None = None,
    tag_id: int | None = None,
    first: int,
    after: str | None = None,
    count: bool = True,
) -> JsonObject:
    """A page of the owner's entries dated within `[date_from, date_to]`, by date then id; the
    total is counted only when `count`."""
    position = _cursor_position(after, field="after") if after is not None else None
    conditions: list[sa.ColumnElement[bool]] = [entry_t.c.owner_id == owner_id]
    if date_from is not None:
        conditions.append(entry_t.c.date >= date_from)
    if date_to is not None:
        conditions.append(entry_t.c.date <= date_to)
    if mood is not None:
        conditions.append(entry_t.c.mood == mood.value)
    if tag_id is not None:
        tagged = sa.select(link_t.c.entry_id).where(link_t.c.tag_id == tag_id)
        conditions.append(entry_t.c.id.in_(tagged))
    return keyset_page(
        session,
        _LISTED,
        table=entry_t,
        filters=conditions,
        after=None if position is None else _key_after(position),
        first=first,
        count=count,
        publish=partial(publish, session),
        cursor_of=entry_cursor,
    )


def get_entries(
    *, session: SqlRunner, owner_id: int, ids: Sequence[int]
) -> list[JsonObject | None]:
    """The owner's entries for many ids, in request order, None for misses."""
    rows = rows_for_ids(session, _BY_IDS, ids, owner_id=owner_id)
    return in_request_order(publish(session, rows), ids)


def entries_in_ranges(
    *, session: SqlRunner, owner_id: int, ranges: Sequence[DateRange]
) -> list[list[JsonObject]]:
    """The owner's entries dated within each inclusive range, in one query for all ranges."""
    if not ranges:
        return []
    keys = values_cte(
        "requested",
        [(i, r.start, r.end) for i, r in enumerate(ranges)],
        idx=sa.Integer,
        start_date=sa.Date,
        end_date=sa.Date,
    )
    rows = session.execute(
        sa.select(*ENTRY_COLUMNS, keys.c.idx)
        .select_from(keys)
        .join(
            entry_t,
            sa.and_(
                entry_t.c.owner_id == owner_id,
                entry_t.c.date >= keys.c.start_date,
                entry_t.c.date <= keys.c.end_date,
            ),
        )
        .order_by(keys.c.idx, entry_t.c.date, entry_t.c.id)
    ).all()
    return grouped((row.idx for row in rows), publish(session, rows), len(ranges))


def entries_by_tag(
    *, session: SqlRunner, owner_id: int, requests: Sequence[TagPageRequest]
) -> list[JsonObject]:
    """A page of the owner's entries for each tag request, in one query for all requests.

    Each request's rows are numbered apart from the rows before its cursor; those before the
    cursor contribute one row only, so a request whose page is empty still learns its total.
    """
    positions = [
        _cursor_position(r.after, field=f"requests.{i}.after") for i, r in enumerate(requests)
    ]
    if not requests:
        return []
    keys = values_cte(
        "requested",
        [
            (i, r.tag_id, *position, r.first + 1)
            for i, (r, position) in enumerate(zip(requests, positions, strict=True))
        ],
        idx=sa.Integer,
        tag_id=sa.BigInteger,
        after_date=sa.Date,
        after_id=sa.BigInteger,
        lim=sa.Integer,
    )
    is_after = sa.case(
        (
            sa.tuple_(entry_t.c.date, entry_t.c.id) > sa.tuple_(keys.c.after_date, keys.c.after_id),
            1,
        ),
        else_=0,
    )
    ranked = (
        sa.select(
            keys.c.idx,
            keys.c.lim,
            entry_t.c.id.label("entry_id"),
            is_after.label("is_after"),
            sa.func.count().over(partition_by=keys.c.idx).label("total"),
            sa.func.row_number()
            .over(partition_by=(keys.c.idx, is_after), order_by=(entry_t.c.date, entry_t.c.id))
            .label("rn"),
        )
        .select_from(keys)
        .join(link_t, link_t.c.tag_id == keys.c.tag_id)
        .join(entry_t, entry_t.c.id == link_t.c.entry_id)
        .where(entry_t.c.owner_id == owner_id)
        .subquery("ranked")
    )
    rows = session.execute(
        sa.select(*ENTRY_COLUMNS, ranked.c.idx, ranked.c.total, ranked.c.is_after, ranked.c.rn)
        .join(entry_t, entry_t.c.id == ranked.c.entry_id)
        .where(
            sa.or_(
                sa.and_(ranked.c.is_after == 1, ranked.c.rn <= ranked.c.lim),
                sa.and_(ranked.c.is_after == 0, ranked.c.rn == 1),
            )
        )
        .order_by(ranked.c.idx, entry_t.c.date, entry_t.c.id)
    ).all()
    totals = [0] * len(requests)
    for row in rows:
        totals[row.idx] = row.total
    # A page's extra row (number first + 1) only says a next page exists: it is never built.
    shown = [row for row in rows if row.is_after == 1 and row.rn <= requests[row.idx].first]
    more = {row.idx for row in rows if row.is_after == 1 and row.rn > requests[row.idx].first}
    found = grouped((row.idx for row in shown), publish(session, shown), len(requests))
    return [
        page_json(found[i], has_next_page=i in more, total_count=totals[i], cursor_of=entry_cursor)
        for i in range(len(requests))
    ]
