"""Every SQL statement of the calendar service: owner-scoped reads, writes and batch lookups.

Reads go through SQLAlchemy Core rows (no ORM identity map per row); each batch lookup is one
statement, plus one for the embedded tags of all the events it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from calendar_svc.models import (
    MAX_EVENT_SPAN,
    Event,
    EventCreate,
    EventPublic,
    EventTagLink,
    EventUpdate,
    Tag,
    TagCreate,
    TagPublic,
    TagUpdate,
    TimeRange,
    check_event_span,
)
from fc_common.batch import TagPageRequest
from fc_common.db import UTCDateTime
from fc_common.errors import ConflictError, NotFoundError, ValidationFailedError
from fc_common.pagination import Page, decode_cursor, encode_cursor, page_of
from fc_common.text import LIKE_ESCAPE, like_pattern

tag_t = Tag.metadata.tables["tag"]
event_t = Event.metadata.tables["event"]
link_t = EventTagLink.metadata.tables["event_tag"]

# Keeps `IN (...)` lists well under SQLite's bound-parameter limit.
_IN_CHUNK = 5000
_EARLIEST = datetime.min.replace(tzinfo=UTC)

Row = sa.Row[Any]


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(values: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _tag_public(row: Row) -> TagPublic:
    return TagPublic(
        id=row.id,
        name=row.name,
        color=row.color,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _name_taken(name: str) -> ConflictError:
    return ConflictError(
        f"A tag named {name!r} already exists", field="name", code="TAG_NAME_TAKEN"
    )


# --- tags -------------------------------------------------------------------------------------


def list_tags(*, session: Session, owner_id: int) -> list[TagPublic]:
    """All of an owner's tags, ordered by case-folded name, then id."""
    stmt = sa.select(tag_t).where(tag_t.c.owner_id == owner_id)
    rows = session.execute(stmt.order_by(tag_t.c.name_key, tag_t.c.id))
    return [_tag_public(row) for row in rows]


def get_tags(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[TagPublic | None]:
    """The owner's tags for `ids`, in request order, `None` for a miss or another owner's id."""
    found: dict[int, TagPublic] = {}
    for chunk in _chunks(list(set(ids))):
        stmt = sa.select(tag_t).where(tag_t.c.owner_id == owner_id, tag_t.c.id.in_(chunk))
        found.update((row.id, _tag_public(row)) for row in session.execute(stmt))
    return [found.get(tag_id) for tag_id in ids]


def get_tag(*, session: Session, owner_id: int, tag_id: int) -> TagPublic:
    """One of the owner's tags, or `NotFoundError`."""
    tag = get_tags(session=session, owner_id=owner_id, ids=[tag_id])[0]
    if tag is None:
        raise NotFoundError("Tag not found")
    return tag


def create_tag(*, session: Session, owner_id: int, data: TagCreate) -> TagPublic:
    """Add a tag; a name the owner already uses (in any case) is a `TAG_NAME_TAKEN` conflict."""
    now = _now()
    values = {"name": data.name, "name_key": data.name.casefold(), "color": data.color}
    stmt = sa.insert(tag_t).values(owner_id=owner_id, created_at=now, updated_at=now, **values)
    try:
        row = session.execute(stmt.returning(*tag_t.c)).one()
    except IntegrityError as exc:
        raise _name_taken(data.name) from exc
    return _tag_public(row)


def update_tag(*, session: Session, owner_id: int, tag_id: int, data: TagUpdate) -> TagPublic:
    """Rename or recolor a tag; `NotFoundError` when it is not the owner's."""
    values: dict[str, Any] = {"updated_at": _now()}
    if data.name is not None:
        values.update(name=data.name, name_key=data.name.casefold())
    if data.color is not None:
        values["color"] = data.color
    stmt = (
        sa.update(tag_t)
        .where(tag_t.c.id == tag_id, tag_t.c.owner_id == owner_id)
        .values(**values)
        .returning(*tag_t.c)
    )
    try:
        row = session.execute(stmt).one_or_none()
    except IntegrityError as exc:
        raise _name_taken(data.name or "") from exc
    if row is None:
        raise NotFoundError("Tag not found")
    return _tag_public(row)


def delete_tag(*, session: Session, owner_id: int, tag_id: int) -> None:
    """Delete a tag; its event links go with it (ON DELETE CASCADE)."""
    stmt = sa.delete(tag_t).where(tag_t.c.id == tag_id, tag_t.c.owner_id == owner_id)
    if cast(sa.CursorResult[Any], session.execute(stmt)).rowcount == 0:
        raise NotFoundError("Tag not found")


# --- events: embedding tags -------------------------------------------------------------------


def _tags_by_event(
    session: Session, owner_id: int, event_ids: Iterable[int]
) -> dict[int, list[TagPublic]]:
    """Each event's tags, ordered by name: one query for all the events."""
    by_event: dict[int, list[TagPublic]] = {}
    tags: dict[int, TagPublic] = {}
    for chunk in _chunks(list(set(event_ids))):
        stmt = (
            sa.select(link_t.c.event_id, tag_t)
            .join(tag_t, tag_t.c.id == link_t.c.tag_id)
            .where(link_t.c.event_id.in_(chunk), tag_t.c.owner_id == owner_id)
            .order_by(tag_t.c.name_key, tag_t.c.id)
        )
        for row in session.execute(stmt):
            tag = tags.get(row.id) or tags.setdefault(row.id, _tag_public(row))
            by_event.setdefault(row.event_id, []).append(tag)
    return by_event


def _event_public(row: Row, tags: list[TagPublic]) -> EventPublic:
    return EventPublic(
        id=row.id,
        title=row.title,
        description=row.description,
        location=row.location,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        all_day=row.all_day,
        tags=tags,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _with_tags(session: Session, owner_id: int, rows: Sequence[Row]) -> list[EventPublic]:
    """Turn event rows into public events, their tags fetched in one query."""
    tags = _tags_by_event(session, owner_id, (row.id for row in rows))
    return [_event_public(row, tags.get(row.id, [])) for row in rows]


# --- events: writes ---------------------------------------------------------------------------


def _set_links(session: Session, owner_id: int, event_id: int, tag_ids: Sequence[int]) -> None:
    """Make `tag_ids` the event's whole tag set; each must be one of the owner's tags."""
    wanted = set(tag_ids)
    if wanted:
        owned = sa.select(tag_t.c.id).where(tag_t.c.owner_id == owner_id, tag_t.c.id.in_(wanted))
        missing = wanted - set(session.scalars(owned))
        if missing:
            raise ValidationFailedError(
                f"Unknown tag id(s): {sorted(missing)}", field="tag_ids", code="UNKNOWN_TAG"
            )
    session.execute(sa.delete(link_t).where(link_t.c.event_id == event_id))
    if wanted:
        links = [{"event_id": event_id, "tag_id": tag_id} for tag_id in sorted(wanted)]
        session.execute(sa.insert(link_t), links)


def create_event(*, session: Session, owner_id: int, data: EventCreate) -> EventPublic:
    """Add an event with its tags; a tag id that is not the owner's is `UNKNOWN_TAG`."""
    now = _now()
    values = data.model_dump(exclude={"tag_ids"})
    stmt = sa.insert(event_t).values(owner_id=owner_id, created_at=now, updated_at=now, **values)
    row = session.execute(stmt.returning(*event_t.c)).one()
    _set_links(session, owner_id, row.id, data.tag_ids)
    return _with_tags(session, owner_id, [row])[0]


def update_event(
    *, session: Session, owner_id: int, event_id: int, data: EventUpdate
) -> EventPublic:
    """Apply a partial update; the merged times must still make a valid span."""
    owned = sa.and_(event_t.c.id == event_id, event_t.c.owner_id == owner_id)
    current = session.execute(sa.select(event_t).where(owned).with_for_update()).one_or_none()
    if current is None:
        raise NotFoundError("Event not found")
    changes = data.changes()
    try:
        check_event_span(
            changes.get("starts_at", current.starts_at), changes.get("ends_at", current.ends_at)
        )
    except ValueError as exc:
        raise ValidationFailedError(str(exc), field="ends_at") from exc
    stmt = sa.update(event_t).where(owned).values(updated_at=_now(), **changes)
    row = session.execute(stmt.returning(*event_t.c)).one()
    if data.tag_ids is not None:
        _set_links(session, owner_id, event_id, data.tag_ids)
    return _with_tags(session, owner_id, [row])[0]


def delete_event(*, session: Session, owner_id: int, event_id: int) -> None:
    """Delete an event; its tag links go with it (ON DELETE CASCADE)."""
    stmt = sa.delete(event_t).where(event_t.c.id == event_id, event_t.c.owner_id == owner_id)
    if cast(sa.CursorResult[Any], session.execute(stmt)).rowcount == 0:
        raise NotFoundError("Event not found")


# --- events: reads ----------------------------------------------------------------------------


def get_events(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[EventPublic | None]:
    """The owner's events for `ids`, in request order, `None` for a miss or another owner's id."""
    rows: list[Row] = []
    for chunk in _chunks(list(set(ids))):
        stmt = sa.select(event_t).where(event_t.c.owner_id == owner_id, event_t.c.id.in_(chunk))
        rows.extend(session.execute(stmt))
    found = {event.id: event for event in _with_tags(session, owner_id, rows)}
    return [found.get(event_id) for event_id in ids]


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
        return _EARLIEST


def _overlaps(start: Any, end: Any, earliest: Any) -> sa.ColumnElement[bool]:
    """`[starts_at, ends_at]` overlaps `[start, end)`; `earliest` bounds the index range scan."""
    return sa.and_(
        event_t.c.starts_at < end,
        event_t.c.starts_at >= earliest,
        sa.or_(event_t.c.ends_at > start, event_t.c.starts_at >= start),
    )


def _after(at: Any, row_id: Any) -> sa.ColumnElement[bool]:
    """Rows strictly after the keyset position (at, row_id) in (starts_at, id) order."""
    return sa.or_(
        event_t.c.starts_at > at, sa.and_(event_t.c.starts_at == at, event_t.c.id > row_id)
    )


def _cursor_position(after: str | None, *, field: str) -> tuple[datetime, int]:
    """The keyset position an `after` cursor names (the very beginning when there is none)."""
    if after is None:
        return _EARLIEST, 0
    sort_value, row_id = decode_cursor(after, field=field)
    try:
        at = datetime.fromisoformat(sort_value)
    except ValueError as exc:
        raise ValidationFailedError("Invalid cursor", field=field) from exc
    if at.tzinfo is None:
        raise ValidationFailedError("Invalid cursor", field=field)
    return at, row_id


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
        filters.append(
            _overlaps(start, end or datetime.max.replace(tzinfo=UTC), _earliest_start(start))
        )
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
    at, row_id = _cursor_position(after, field="after")
    total = session.scalar(sa.select(sa.func.count()).select_from(event_t).where(*filters)) or 0
    stmt = sa.select(event_t).where(*filters, _after(at, row_id))
    rows = session.execute(stmt.order_by(event_t.c.starts_at, event_t.c.id).limit(first + 1))
    events = _with_tags(session, owner_id, list(rows))
    return page_of(events, first=first, total_count=total, cursor_of=_cursor_of)


def events_overlapping(
    *, session: Session, owner_id: int, ranges: Sequence[TimeRange]
) -> list[list[EventPublic]]:
    """For each range, the owner's events overlapping it (one query for the whole batch)."""
    keys = list(dict.fromkeys((r.start, r.end) for r in ranges))
    if not keys:
        return []
    req = (
        sa.values(
            sa.column("k", sa.Integer),
            sa.column("r_start", UTCDateTime),
            sa.column("r_end", UTCDateTime),
            sa.column("earliest", UTCDateTime),
            name="req",
        )
        .data([(k, s, e, _earliest_start(s)) for k, (s, e) in enumerate(keys)])
        .cte()
    )
    on = sa.and_(
        event_t.c.owner_id == owner_id, _overlaps(req.c.r_start, req.c.r_end, req.c.earliest)
    )
    stmt = sa.select(req.c.k, event_t).select_from(req).join(event_t, on)
    rows = list(session.execute(stmt.order_by(req.c.k, event_t.c.starts_at, event_t.c.id)))
    events = _with_tags(session, owner_id, rows)
    per_key: list[list[EventPublic]] = [[] for _ in keys]
    for row, event in zip(rows, events, strict=True):
        per_key[row.k].append(event)
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
    req = (
        sa.values(
            sa.column("k", sa.Integer),
            sa.column("tag_id", sa.BigInteger),
            sa.column("c_at", UTCDateTime),
            sa.column("c_id", sa.BigInteger),
            sa.column("lim", sa.Integer),
            name="req",
        )
        .data([(k, tag, at, rid, first + 1) for k, (tag, (at, rid), first) in enumerate(keys)])
        .cte()
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
    events = _with_tags(session, owner_id, rows)
    per_key: list[list[EventPublic]] = [[] for _ in keys]
    for row, event in zip(rows, events, strict=True):
        per_key[row.k].append(event)
    tag_ids = {tag for tag, _, _ in keys}
    counts: dict[int, int] = {
        tag_id: count
        for tag_id, count in session.execute(
            sa.select(link_t.c.tag_id, sa.func.count())
            .join(event_t, event_t.c.id == link_t.c.event_id)
            .where(event_t.c.owner_id == owner_id, link_t.c.tag_id.in_(tag_ids))
            .group_by(link_t.c.tag_id)
        )
    }
    index = {key: k for k, key in enumerate(keys)}
    pages: list[Page[EventPublic]] = []
    for request, pos in zip(requests, positions, strict=True):
        k = index[(request.tag_id, pos, request.first)]
        total = counts.get(request.tag_id, 0)
        pages.append(
            page_of(per_key[k], first=request.first, total_count=total, cursor_of=_cursor_of)
        )
    return pages
