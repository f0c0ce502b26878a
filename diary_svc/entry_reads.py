"""The diary's reads: owner-scoped lookups, keyset lists and the gateway's batch lookups.

Every function takes the owner id and filters by it, so no path reaches another owner's rows.
Lists are ordered by (date, id) and paginated by that key; cursors carry it opaquely. A batch
lookup runs one statement for all its keys (a VALUES table of them), plus one each for the
entries' tag links and images.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from diary_svc.image_queries import images_by_entry
from diary_svc.models import DateRange, Entry, EntryPublic, EntryTagLink, Mood
from fc_common.errors import ValidationFailedError
from fc_common.pagination import MAX_ROW_ID, Page, decode_cursor, encode_cursor, page_of

EntryKey = tuple[dt.date, int]
"""The keyset position of an entry: its date and id."""

# Stays under SQLite's and PostgreSQL's bound-parameter limits whatever the batch size.
_IN_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class EntryFilters:
    """What `GET /entries` narrows the owner's entries by (dates inclusive)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    mood: Mood | None = None
    tag_id: int | None = None


@dataclass(frozen=True, slots=True)
class TagPageQuery:
    """One page of the entries carrying a tag, after a keyset position."""

    tag_id: int
    first: int
    after: EntryKey | None = None


def entry_cursor(entry: EntryPublic) -> str:
    """The opaque cursor pointing just after an entry."""
    return encode_cursor(entry.date.isoformat(), entry.id)


def parse_entry_cursor(cursor: str, *, field: str = "after") -> EntryKey:
    """Read an entry cursor back; anything else is a 422 naming `field`."""
    sort_value, row_id = decode_cursor(cursor, field=field)
    try:
        date = dt.date.fromisoformat(sort_value)
    except ValueError as exc:
        raise ValidationFailedError("Invalid cursor", field=field) from exc
    if not 0 <= row_id <= MAX_ROW_ID:
        raise ValidationFailedError("Invalid cursor", field=field)
    return date, row_id


def _tag_ids_by_entry(session: Session, entry_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each entry's tag ids, ascending, in one query per 5,000 entries."""
    tags: dict[int, list[int]] = defaultdict(list)
    unique = sorted(set(entry_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = unique[start : start + _IN_CHUNK]
        rows = session.execute(
            sa.select(col(EntryTagLink.entry_id), col(EntryTagLink.tag_id))
            .where(col(EntryTagLink.entry_id).in_(chunk))
            .order_by(col(EntryTagLink.entry_id), col(EntryTagLink.tag_id))
        )
        for entry_id, tag_id in rows:
            tags[entry_id].append(tag_id)
    return tags


def publish(session: Session, entries: Sequence[Entry]) -> list[EntryPublic]:
    """Public shapes for entries (in the given order), their tag ids and images read in one
    query each."""
    entry_ids = [e.id for e in entries if e.id is not None]
    tags = _tag_ids_by_entry(session, entry_ids)
    images = images_by_entry(session=session, entry_ids=entry_ids)
    published: dict[int, EntryPublic] = {}
    for entry in entries:
        assert entry.id is not None
        if entry.id not in published:
            published[entry.id] = EntryPublic.model_validate(
                entry,
                update={"tag_ids": tags.get(entry.id, []), "images": images.get(entry.id, [])},
            )
    return [published[e.id] for e in entries if e.id is not None]


def owned_entry(session: Session, *, owner_id: int, entry_id: int) -> Entry | None:
    """The owner's entry with that id, if any."""
    return session.exec(
        select(Entry).where(Entry.owner_id == owner_id, Entry.id == entry_id)
    ).first()


def get_entry(*, session: Session, owner_id: int, entry_id: int) -> EntryPublic | None:
    """The owner's entry, or None when missing or someone else's."""
    entry = owned_entry(session, owner_id=owner_id, entry_id=entry_id)
    return publish(session, [entry])[0] if entry is not None else None


def _key_after(after: EntryKey) -> sa.ColumnElement[bool]:
    """Rows strictly after a keyset position in (date, id) order."""
    return sa.tuple_(col(Entry.date), col(Entry.id)) > sa.tuple_(
        sa.literal(after[0], sa.Date), sa.literal(after[1], sa.BigInteger)
    )


def list_entries(
    *,
    session: Session,
    owner_id: int,
    filters: EntryFilters,
    first: int,
    after: EntryKey | None,
) -> Page[EntryPublic]:
    """One page of the owner's entries matching the filters, with the total count."""
    conditions: list[sa.ColumnElement[bool]] = [col(Entry.owner_id) == owner_id]
    if filters.date_from is not None:
        conditions.append(col(Entry.date) >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(col(Entry.date) <= filters.date_to)
    if filters.mood is not None:
        conditions.append(col(Entry.mood) == filters.mood.value)
    if filters.tag_id is not None:
        tagged = sa.select(col(EntryTagLink.entry_id)).where(
            col(EntryTagLink.tag_id) == filters.tag_id
        )
        conditions.append(col(Entry.id).in_(tagged))
    total = session.scalar(sa.select(sa.func.count()).select_from(Entry).where(*conditions))
    if after is not None:
        conditions.append(_key_after(after))
    rows = session.exec(
        select(Entry).where(*conditions).order_by(col(Entry.date), col(Entry.id)).limit(first + 1)
    ).all()
    entries = publish(session, rows)
    return page_of(entries, first=first, total_count=total or 0, cursor_of=entry_cursor)


def get_entries(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[EntryPublic | None]:
    """The owner's entries for many ids, in request order, None for misses."""
    if not ids:
        return []
    rows = session.exec(
        select(Entry).where(Entry.owner_id == owner_id, col(Entry.id).in_(set(ids)))
    ).all()
    by_id = {entry.id: entry for entry in publish(session, rows)}
    return [by_id.get(entry_id) for entry_id in ids]


def entries_in_ranges(
    *, session: Session, owner_id: int, ranges: Sequence[DateRange]
) -> list[list[EntryPublic]]:
    """The owner's entries dated within each inclusive range, in one query for all ranges."""
    if not ranges:
        return []
    keys = (
        sa.values(
            sa.column("idx", sa.Integer),
            sa.column("start_date", sa.Date),
            sa.column("end_date", sa.Date),
            name="requested",
        )
        .data([(i, r.start, r.end) for i, r in enumerate(ranges)])
        .cte("requested")
    )
    rows = session.execute(
        sa.select(keys.c.idx, Entry)
        .select_from(keys)
        .join(
            Entry,
            sa.and_(
                col(Entry.owner_id) == owner_id,
                col(Entry.date) >= keys.c.start_date,
                col(Entry.date) <= keys.c.end_date,
            ),
        )
        .order_by(keys.c.idx, col(Entry.date), col(Entry.id))
    ).all()
    published = publish(session, [row[1] for row in rows])
    results: list[list[EntryPublic]] = [[] for _ in ranges]
    for row, entry in zip(rows, published, strict=True):
        results[row[0]].append(entry)
    return results


def entry_pages_by_tag(
    *, session: Session, owner_id: int, requests: Sequence[TagPageQuery]
) -> list[Page[EntryPublic]]:
    """A page of the owner's entries for each tag request, in one query for all requests.

    Each request's rows are numbered apart from the rows before its cursor; those before the
    cursor contribute one row only, so a request whose page is empty still learns its total.
    """
    if not requests:
        return []
    keys = (
        sa.values(
            sa.column("idx", sa.Integer),
            sa.column("tag_id", sa.BigInteger),
            sa.column("after_date", sa.Date),
            sa.column("after_id", sa.BigInteger),
            sa.column("lim", sa.Integer),
            name="requested",
        )
        .data(
            [
                (i, r.tag_id, *(r.after or (dt.date.min, 0)), r.first + 1)
                for i, r in enumerate(requests)
            ]
        )
        .cte("requested")
    )
    is_after = sa.case(
        (
            sa.tuple_(col(Entry.date), col(Entry.id))
            > sa.tuple_(keys.c.after_date, keys.c.after_id),
            1,
        ),
        else_=0,
    )
    ranked = (
        sa.select(
            keys.c.idx,
            keys.c.lim,
            col(Entry.id).label("entry_id"),
            is_after.label("is_after"),
            sa.func.count().over(partition_by=keys.c.idx).label("total"),
            sa.func.row_number()
            .over(partition_by=(keys.c.idx, is_after), order_by=(col(Entry.date), col(Entry.id)))
            .label("rn"),
        )
        .select_from(keys)
        .join(EntryTagLink, col(EntryTagLink.tag_id) == keys.c.tag_id)
        .join(Entry, col(Entry.id) == col(EntryTagLink.entry_id))
        .where(col(Entry.owner_id) == owner_id)
        .subquery("ranked")
    )
    rows = session.execute(
        sa.select(ranked.c.idx, ranked.c.total, ranked.c.is_after, Entry)
        .join(Entry, col(Entry.id) == ranked.c.entry_id)
        .where(
            sa.or_(
                sa.and_(ranked.c.is_after == 1, ranked.c.rn <= ranked.c.lim),
                sa.and_(ranked.c.is_after == 0, ranked.c.rn == 1),
            )
        )
        .order_by(ranked.c.idx, col(Entry.date), col(Entry.id))
    ).all()
    published = publish(session, [row[3] for row in rows])
    totals = [0] * len(requests)
    found: list[list[EntryPublic]] = [[] for _ in requests]
    for (idx, total, after_flag, _), entry in zip(rows, published, strict=True):
        totals[idx] = total
        if after_flag == 1:
            found[idx].append(entry)
    return [
        page_of(found[i], first=r.first, total_count=totals[i], cursor_of=entry_cursor)
        for i, r in enumerate(requests)
    ]
