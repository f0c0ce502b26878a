"""Owner-scoped SQL for tags and event writes, and the helpers event reads share.

Statements use SQLAlchemy Core on the SQLModel tables: rows map straight to the public models,
with no ORM identity map per row. Event reads and batch lookups live in `event_reads`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from calendar_svc.models import (
    Event,
    EventCreate,
    EventPublic,
    EventTagLink,
    EventUpdate,
    Tag,
    TagCreate,
    TagPublic,
    TagTombstone,
    TagUpdate,
    check_event_span,
)
from fc_common.errors import ConflictError, NotFoundError, ValidationFailedError

tag_t = Tag.metadata.tables["tag"]
event_t = Event.metadata.tables["event"]
link_t = EventTagLink.metadata.tables["event_tag"]
tombstone_t = TagTombstone.metadata.tables["tag_tombstone"]

# Keeps `IN (...)` lists well under SQLite's bound-parameter limit.
_IN_CHUNK = 5000
EARLIEST = datetime.min.replace(tzinfo=UTC)

Row = sa.Row[Any]


def _now() -> datetime:
    return datetime.now(UTC)


def chunks(values: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    """Split ids into `IN (...)` lists of a size every database accepts."""
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
    for chunk in chunks(list(set(ids))):
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
    """Delete a tag, leaving a tombstone for the diary; event links go too (ON DELETE CASCADE)."""
    stmt = sa.delete(tag_t).where(tag_t.c.id == tag_id, tag_t.c.owner_id == owner_id)
    if cast(sa.CursorResult[Any], session.execute(stmt)).rowcount == 0:
        raise NotFoundError("Tag not found")
    tombstone = {"owner_id": owner_id, "tag_id": tag_id, "deleted_at": _now()}
    session.execute(sa.insert(tombstone_t).values(**tombstone))


# --- events: embedding tags -------------------------------------------------------------------


def _tags_by_event(
    session: Session, owner_id: int, event_ids: Iterable[int]
) -> dict[int, list[TagPublic]]:
    """Each event's tags, ordered by name: one query for all the events."""
    by_event: dict[int, list[TagPublic]] = {}
    tags: dict[int, TagPublic] = {}
    for chunk in chunks(list(set(event_ids))):
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


def with_tags(session: Session, owner_id: int, rows: Sequence[Row]) -> list[EventPublic]:
    """Turn event rows into public events, their tags fetched in one query."""
    tags = _tags_by_event(session, owner_id, (row.id for row in rows))
    return [_event_public(row, tags.get(row.id, [])) for row in rows]


# --- events: writes ---------------------------------------------------------------------------


def _set_links(session: Session, owner_id: int, event_id: int, tag_ids: Sequence[int]) -> None:
    """Make `tag_ids` the event's whole tag set; each must be one of the owner's tags."""
    wanted = set(tag_ids)
    if wanted:
        owned = sa.select(tag_t.c.id).where(tag_t.c.owner_id == owner_id, tag_t.c.id.in_(wanted))
        # FOR SHARE (PostgreSQL): a concurrent delete of these tags waits for this transaction.
        owned = owned.with_for_update(read=True)
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
    return with_tags(session, owner_id, [row])[0]


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
    return with_tags(session, owner_id, [row])[0]


def delete_event(*, session: Session, owner_id: int, event_id: int) -> None:
    """Delete an event; its tag links go with it (ON DELETE CASCADE)."""
    stmt = sa.delete(event_t).where(event_t.c.id == event_id, event_t.c.owner_id == owner_id)
    if cast(sa.CursorResult[Any], session.execute(stmt)).rowcount == 0:
        raise NotFoundError("Event not found")


def delete_owner_data(*, session: Session, owner_id: int) -> None:
    """Delete every event, tag and link of an owner (idempotent: nothing left is no error)."""
    owned_events = sa.select(event_t.c.id).where(event_t.c.owner_id == owner_id)
    session.execute(sa.delete(link_t).where(link_t.c.event_id.in_(owned_events)))
    session.execute(sa.delete(event_t).where(event_t.c.owner_id == owner_id))
    session.execute(sa.delete(tag_t).where(tag_t.c.owner_id == owner_id))
