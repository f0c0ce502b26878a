"""Reads of events: by id, the filtered keyset-paginated list, and the gateway's batch lookups.

Each read selects the public columns and answers JSON objects straight from the rows (see
`fc_common.json_rows`); each batch lookup is one statement for the whole batch (a VALUES list
of the requested keys joined to the events), plus the fixed one that embeds the events' tags.
Overlap lookups start their index range at the owner's longest span back from the range
(`event_span`), read in the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from calendar_svc.event_span import earliest_overlapping_start
from calendar_svc.models import TimeRange, event_t, link_t
from calendar_svc.tag_reads import tags_by_event
from fc_common.batch import TagPageRequest
from fc_common.db import SqlRunner, UTCDateTime
from fc_common.errors import found_or_404
from fc_common.json_rows import JsonObject, column_keys, distinct_objects, page_json
from fc_common.pages import keyset_page
from fc_common.pagination import decode_keyset, encode_cursor
from fc_common.sql import grouped, in_request_order, rows_for_ids, values_cte
from fc_common.text import LIKE_ESCAPE, like_pattern

EARLIEST = datetime.min.replace(tzinfo=UTC)

# The public columns, in `EventPublic`'s order (its `tags` are added from the link table).
EVENT_COLUMNS = tuple(
    event_t.c[name]
    for name in (
        "title",
        "description",
        "location",
        "starts_at",
        "ends_at",
        "all_day",
        "id",
        "created_at",
        "updated_at",
    )
)
EVENT_KEYS = column_keys(EVENT_COLUMNS)
_OWNER = sa.bindparam("owner_id", type_=sa.BigInteger)

_BY_IDS = sa.select(*EVENT_COLUMNS).where(
    event_t.c.owner_id == _OWNER, event_t.c.id.in_(sa.bindparam("ids", expanding=True))
)
_LISTED = sa.select(*EVENT_COLUMNS).order_by(event_t.c.starts_at, event_t.c.id)


def publish(session: SqlRunner, owner_id: int, rows: Sequence[Sequence[Any]]) -> list[JsonObject]:
    """Event rows (the public columns first) as JSON objects, each with its tags; one object
    per distinct event, shared where a row repeats (an event on several days)."""
    events, by_id = distinct_objects(EVENT_KEYS, rows)
    tags = tags_by_event(session, owner_id, by_id)
    for event_id, event in by_id.items():
        event["tags"] = tags.get(event_id, [])
    return events


def get_events(*, session: SqlRunner, owner_id: int, ids: Sequence[int]) -> list[JsonObject | None]:
    """The owner's events for `ids`, in request order, `None` for a miss or another owner's id."""
    rows = rows_for_ids(session, _BY_IDS, ids, owner_id=owner_id)
    return in_request_order(publish(session, owner_id, rows), ids)


def get_event(*, session: SqlRunner, owner_id: int, event_id: int) -> JsonObject:
    """One of the owner's events, or `NotFoundError`."""
    return found_or_404(
        get_events(session=session, owner_id=owner_id, ids=[event_id]), "Event not found"
    )


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


def _cursor_of(event: JsonObject) -> str:
    return encode_cursor(event["starts_at"].isoformat(), event["id"])


def list_events(
    *,
    session: SqlRunner,
    owner_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
    tag_id: int | None = None,
    search: str | None = None,
    first: int,
    after: str | None = None,
    count: bool = True,
) -> JsonObject:
    """A page of the owner's events overlapping `[start, end)`, by starts_at then id; the total
    is counted only when `count`."""
    filters: list[sa.ColumnElement[bool]] = [event_t.c.owner_id == owner_id]
    if start is not None:
        at = sa.literal(start, UTCDateTime)
        filters.append(_overlaps(start, end, earliest_overlapping_start(at, owner_id)))
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
    return keyset_page(
        session,
        _LISTED,
        table=event_t,
        filters=filters,
        after=None if after is None else _after(*_cursor_position(after, field="after")),
        first=first,
        count=count,
        publish=partial(publish, session, owner_id),
        cursor_of=_cursor_of,
    )


def events_overlapping(
    *, session: SqlRunner, owner_id: int, ranges: Sequence[TimeRange]
) -> list[list[JsonObject]]:
    """For each range, the owner's events overlapping it (one query for the whole batch)."""
    keys = list(dict.fromkeys((r.start, r.end) for r in ranges))
    if not keys:
        return []
    req = values_cte(
        "req",
        [(k, s, e) for k, (s, e) in enumerate(keys)],
        k=sa.Integer,
        r_start=UTCDateTime,
        r_end=UTCDateTime,
    )
    earliest = earliest_overlapping_start(req.c.r_start, owner_id)
    on = sa.and_(event_t.c.owner_id == owner_id, _overlaps(req.c.r_start, req.c.r_end, earliest))
    stmt = sa.select(*EVENT_COLUMNS, req.c.k).select_from(req).join(event_t, on)
    rows = session.execute(stmt.order_by(req.c.k, event_t.c.starts_at, event_t.c.id)).all()
    per_key = grouped((row.k for row in rows), publish(session, owner_id, rows), len(keys))
    index = {key: k for k, key in enumerate(keys)}
    return [per_key[index[(r.start, r.end)]] for r in ranges]


def events_by_tag(
    *, session: SqlRunner, owner_id: int, requests: Sequence[TagPageRequest]
) -> list[JsonObject]:
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
        sa.select(*EVENT_COLUMNS, req.c.k, req.c.lim, rank.label("rn"))
        .select_from(req)
        .join(link_t, link_t.c.tag_id == req.c.tag_id)
        .join(event_t, event_t.c.id == link_t.c.event_id)
        .where(event_t.c.owner_id == owner_id, _after(req.c.c_at, req.c.c_id))
        .subquery()
    )
    stmt = sa.select(ranked).where(ranked.c.rn <= ranked.c.lim).order_by(ranked.c.k, ranked.c.rn)
    rows = session.execute(stmt).all()
    # A page's extra row (rn = first + 1) only says a next page exists: it is never built.
    more = {row.k for row in rows if row.rn == row.lim}
    shown = [row for row in rows if row.rn < row.lim]
    per_key = grouped((row.k for row in shown), publish(session, owner_id, shown), len(keys))
    tag_ids = {tag for tag, _, _ in keys}
    counted = session.execute(
        sa.select(link_t.c.tag_id, sa.func.count())
        .join(event_t, event_t.c.id == link_t.c.event_id)
        .where(event_t.c.owner_id == owner_id, link_t.c.tag_id.in_(tag_ids))
        .group_by(link_t.c.tag_id)
    )
    counts: dict[int, int] = dict(counted.all())
    index = {key: k for k, key in enumerate(keys)}
    pages: list[JsonObject] = []
    for request, pos in zip(requests, positions, strict=True):
        k = index[(request.tag_id, pos, request.first)]
        total = counts.get(request.tag_id, 0)
        pages.append(
            page_json(per_key[k], has_next_page=k in more, total_count=total, cursor_of=_cursor_of)
        )
    return pages
