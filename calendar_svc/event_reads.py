"""Reads of events: by id, the filtered keyset-paginated list, and the gateway's batch lookups.

Each batch lookup is one statement for the whole batch (a VALUES list of the requested keys joined
to the events), plus the fixed one that embeds every returned event's tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from calendar_svc.models import MAX_EVENT_SPAN, EventPublic, TimeRange, event_t, link_t
from calendar_svc.tag_reads import tags_by_event
from fc_common.batch import TagPageRequest
from fc_common.db import UTCDateTime
from fc_common.errors import NotFoundError
from fc_common.pagination import Page, decode_keyset, encode_cursor, page_of
from fc_common.sql import Row, grouped, in_request_order, owned_rows, public, values_cte
from fc_common.text import LIKE_ESCAPE, like_pattern

EARLIEST = datetime.min.replace(tzinfo=UTC)


def publish(session: Session, owner_id: int, rows: Sequence[Row]) -> list[EventPublic]:
    """Turn event rows into public events, their tags fetched in one query."""
    tags = tags_by_event(session, owner_id, (row.id for row in rows))
    return [public(EventPublic, row, tags=tags.get(row.id, [])) for row in rows]


def get_events(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[EventPublic | None]:
    """The owner's events for `ids`, in request order, `None` for a miss or another owner's id."""
    rows = owned_rows(session, event_t, owner_id, ids)
    return in_request_order(publish(session, owner_id, rows), ids)


def get_event(*, session: Session, owner_id: int, event_id: int) -> EventPublic:
    """One of the owner's events, or `NotFoundError`."""
    event = get_events(session=session, owner_id=owner_id, ids=[event_id])[0]
    if event is None:
        raise NotFoundError("Event not found")
    return event


def _earliest_start(start: datetime) -> datetime:
    """The earliest start of an event that can still overlap `start` (spans are bounded)."""
    try:
        return start - MAX_EVENT_SPAN
    except OverflowError:
        return EARLIEST


def _overlaps(start: Any, end: Any | None, earliest: Any) -> sa.ColumnElement[bool]:
    """`[starts_at, ends_at]` overlaps `[start, end)`; `earliest` bounds the index range scan.

    A zero-length event at `start` matches; one ending exactly at `start` does not.
    """
    clauses = [
        event_t.c.starts_at >= earliest,
        sa.or_(event_t.c.ends_at > start, event_t.c.starts_at >= start),
    ]
    if end is not None:
        clauses.append(event_t.c.starts_at < end)
    return sa.and_(*clauses)


def _after(at: Any, row_id: Any) -> sa.ColumnElement[bool]:
    """Rows strictly after the keyset position (at, row_id) in (starts_at, id) order."""
    return sa.or_(
        event_t.c.starts_at > at, sa.and_(event_t.c.starts_at == at, event_t.c.id > row_id)
    )


def _aware(text: str) -> datetime:
    """A cursor's start time: ISO text with an offset (a naive one is no cursor of ours)."""
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at


def _cursor_position(after: str | None, *, field: str) -> tuple[datetime, int]:
    """The keyset position an `after` cursor names (the very beginning when there is none)."""
    return decode_keyset(after, field=field, parse=_aware, start=(EARLIEST, 0))


def _cursor_of(event: EventPublic) -> str:
    return encode_cursor(event.starts_at.isoformat(), event.id)


def list_events(
    *,
    session: Session,
    owner_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    tag_id: int | None = None,
    search: str | None = None,
    first: int,
    after: str | None = None,
) -> Page[EventPublic]:
    """A page of the owner's events overlapping `[start, end)`, by starts_at then id."""
    filters: list[sa.ColumnElement[bool]] = [event_t.c.owner_id == owner_id]
    if start is not None:
        filters.append(_overlaps(start, end, _earliest_start(start)))
    elif end is not None:
        filters.append(event_t.c.starts_at < end)
    if tag_id is not None:
        tagged = sa.select(link_t.c.event_id).where(link_t.c.tag_id == tag_id)
        filters.append(event_t.c.id.in_(tagged))
    if search:
        pattern = like_pattern(search)
        filters.append(
            sa.or_(
                event_t.c.title.ilike(pattern, escape=LIKE_ESCAPE),
                event_t.c.description.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(event_t).where(*filters)) or 0
    stmt = sa.select(event_t).where(*filters)
    if after is not None:
        stmt = stmt.where(_after(*_cursor_position(after, field="after")))
    rows = session.execute(stmt.order_by(event_t.c.starts_at, event_t.c.id).limit(first + 1))
    events = publish(session, owner_id, list(rows))
    return page_of(events, first=first, total_count=total, cursor_of=_cursor_of)


def events_overlapping(
    *, session: Session, owner_id: int, ranges: Sequence[TimeRange]
) -> list[list[EventPublic]]:
    """For each range, the owner's events overlapping it (one query for the whole batch)."""
    keys = list(dict.fromkeys((r.start, r.end) for r in ranges))
    if not keys:
        return []
    req = values_cte(
        "req",
        [(k, s, e, _earliest_start(s)) for k, (s, e) in enumerate(keys)],
        k=sa.Integer,
        r_start=UTCDateTime,
        r_end=UTCDateTime,
        earliest=UTCDateTime,
    )
    on = sa.and_(
        event_t.c.owner_id == owner_id, _overlaps(req.c.r_start, req.c.r_end, req.c.earliest)
    )
    stmt = sa.select(req.c.k, event_t).select_from(req).join(event_t, on)
    rows = list(session.execute(stmt.order_by(req.c.k, event_t.c.starts_at, event_t.c.id)))
    per_key = grouped((row.k for row in rows), publish(session, owner_id, rows), len(keys))
    index = {key: k for k, key in enumerate(keys)}
    return [per_key[index[(r.start, r.end)]] for r in ranges]


def events_by_tag(
    *, session: Session, owner_id: int, requests: Sequence[TagPageRequest]
) -> list[Page[EventPublic]]:
    """For each request, a page of the owner's events carrying its tag (one query for all pages)."""
    positions = [
        _cursor_position(r.after, field=f"requests.{i}.after") for i, r in enumerate(requests)
    ]
    keys = list(
        dict.fromkeys((r.tag_id, pos, r.first) for r, pos in zip(requests, positions, strict=True))
    )
    if not keys:
        return []
    req = values_cte(
        "req",
        [(k, tag, at, rid, first + 1) for k, (tag, (at, rid), first) in enumerate(keys)],
        k=sa.Integer,
        tag_id=sa.BigInteger,
        c_at=UTCDateTime,
        c_id=sa.BigInteger,
        lim=sa.Integer,
    )
    rank = sa.func.row_number().over(
        partition_by=req.c.k, order_by=(event_t.c.starts_at, event_t.c.id)
    )
    ranked = (
        sa.select(req.c.k, req.c.lim, event_t, rank.label("rn"))
        .select_from(req)
        .join(link_t, link_t.c.tag_id == req.c.tag_id)
        .join(event_t, event_t.c.id == link_t.c.event_id)
        .where(event_t.c.owner_id == owner_id, _after(req.c.c_at, req.c.c_id))
        .subquery()
    )
    stmt = sa.select(ranked).where(ranked.c.rn <= ranked.c.lim).order_by(ranked.c.k, ranked.c.rn)
    rows = list(session.execute(stmt))
    per_key = grouped((row.k for row in rows), publish(session, owner_id, rows), len(keys))
    tag_ids = {tag for tag, _, _ in keys}
    counted = session.execute(
        sa.select(link_t.c.tag_id, sa.func.count())
        .join(event_t, event_t.c.id == link_t.c.event_id)
        .where(event_t.c.owner_id == owner_id, link_t.c.tag_id.in_(tag_ids))
        .group_by(link_t.c.tag_id)
    )
    counts: dict[int, int] = dict(counted.all())
    index = {key: k for k, key in enumerate(keys)}
    pages: list[Page[EventPublic]] = []
    for request, pos in zip(requests, positions, strict=True):
        k = index[(request.tag_id, pos, request.first)]
        total = counts.get(request.tag_id, 0)
        pages.append(
            page_of(per_key[k], first=request.first, total_count=total, cursor_of=_cursor_of)
        )
    return pages
