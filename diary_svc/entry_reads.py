"""The diary's reads: owner-scoped lookups, keyset lists and the gateway's batch lookups.

Every function takes the owner id and filters by it, so no path reaches another owner's rows.
Lists are ordered by (date, id) and paginated by that key; cursors carry it opaquely. A batch
lookup runs one statement for all its keys (a VALUES table of them), plus one each for the
entries' tag links and images.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from diary_svc.image_reads import images_by_entry
from diary_svc.models import DateRange, EntryPublic, entry_t, link_t
from fc_common.batch import TagPageRequest
from fc_common.diary_enums import Mood
from fc_common.errors import NotFoundError
from fc_common.pagination import Page, decode_keyset, encode_cursor, page_of
from fc_common.sql import (
    Row,
    grouped,
    in_request_order,
    owned_rows,
    public,
    rows_where_in,
    values_cte,
)

EntryKey = tuple[dt.date, int]
"""The keyset position of an entry: its date and id."""


def entry_cursor(entry: EntryPublic) -> str:
    """The opaque cursor pointing just after an entry."""
    return encode_cursor(entry.date.isoformat(), entry.id)


def _cursor_position(after: str | None, *, field: str) -> EntryKey:
    """The keyset position an `after` cursor names (the very beginning when there is none)."""
    return decode_keyset(after, field=field, parse=dt.date.fromisoformat, start=(dt.date.min, 0))


def _tag_ids_by_entry(session: Session, entry_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each entry's tag ids, ascending, in one query per 5,000 entries."""
    stmt = sa.select(link_t.c.entry_id, link_t.c.tag_id).order_by(
        link_t.c.entry_id, link_t.c.tag_id
    )
    tags: dict[int, list[int]] = {}
    for row in rows_where_in(session, stmt, link_t.c.entry_id, entry_ids):
        tags.setdefault(row.entry_id, []).append(row.tag_id)
    return tags


def publish(session: Session, rows: Sequence[Row]) -> list[EntryPublic]:
    """Public shapes for entry rows (in the given order), their tag ids and images read in one
    query each."""
    entry_ids = [row.id for row in rows]
    tags = _tag_ids_by_entry(session, entry_ids)
    images = images_by_entry(session=session, entry_ids=entry_ids)
    published: dict[int, EntryPublic] = {}
    for row in rows:
        if row.id not in published:
            published[row.id] = public(
                EntryPublic, row, tag_ids=tags.get(row.id, []), images=images.get(row.id, [])
            )
    return [published[row.id] for row in rows]


def get_entry(*, session: Session, owner_id: int, entry_id: int) -> EntryPublic:
    """One of the owner's entries, or `NotFoundError`."""
    entry = get_entries(session=session, owner_id=owner_id, ids=[entry_id])[0]
    if entry is None:
        raise NotFoundError("Entry not found")
    return entry


def _key_after(after: EntryKey) -> sa.ColumnElement[bool]:
    """Rows strictly after a keyset position in (date, id) order."""
    return sa.tuple_(entry_t.c.date, entry_t.c.id) > sa.tuple_(
        sa.literal(after[0], sa.Date), sa.literal(after[1], sa.BigInteger)
    )


def list_entries(
    *,
    session: Session,
    owner_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    mood: Mood | None = None,
    tag_id: int | None = None,
    first: int,
    after: str | None = None,
) -> Page[EntryPublic]:
    """A page of the owner's entries dated within `[date_from, date_to]`, by date then id."""
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
    total = session.scalar(sa.select(sa.func.count()).select_from(entry_t).where(*conditions))
    if position is not None:
        conditions.append(_key_after(position))
    stmt = sa.select(entry_t).where(*conditions).order_by(entry_t.c.date, entry_t.c.id)
    rows = session.execute(stmt.limit(first + 1)).all()
    entries = publish(session, rows)
    return page_of(entries, first=first, total_count=total or 0, cursor_of=entry_cursor)


def get_entries(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[EntryPublic | None]:
    """The owner's entries for many ids, in request order, None for misses."""
    rows = owned_rows(session, entry_t, owner_id, ids)
    return in_request_order(publish(session, rows), ids)


def entries_in_ranges(
    *, session: Session, owner_id: int, ranges: Sequence[DateRange]
) -> list[list[EntryPublic]]:
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
        sa.select(keys.c.idx, entry_t)
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
    *, session: Session, owner_id: int, requests: Sequence[TagPageRequest]
) -> list[Page[EntryPublic]]:
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
        sa.select(ranked.c.idx, ranked.c.total, ranked.c.is_after, entry_t)
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
    shown = [row for row in rows if row.is_after == 1]
    found = grouped((row.idx for row in shown), publish(session, shown), len(requests))
    return [
        page_of(found[i], first=r.first, total_count=totals[i], cursor_of=entry_cursor)
        for i, r in enumerate(requests)
    ]
