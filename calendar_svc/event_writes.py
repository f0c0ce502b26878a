"""Writes of events: create, change and delete events and their tag links; erase an owner.

Each function runs inside the caller's write transaction (`Database.write()`), which commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from calendar_svc.event_reads import EVENT_COLUMNS, publish
from calendar_svc.models import (
    EventCreate,
    EventPublic,
    EventUpdate,
    check_event_span,
    event_t,
    link_t,
    span_seconds,
    tag_t,
)
from fc_common.errors import NotFoundError, ValidationFailedError
from fc_common.sql import rowcount


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


def _public(session: Session, owner_id: int, row: sa.Row[Any]) -> EventPublic:
    """A written event's answer (validated: it is also what a replayed key answers)."""
    return EventPublic.model_validate(publish(session, owner_id, [row])[0])


def create_event(*, session: Session, owner_id: int, data: EventCreate) -> EventPublic:
    """Add an event with its tags; a tag id that is not the owner's is `UNKNOWN_TAG`."""
    now = datetime.now(UTC)
    values = data.model_dump(exclude={"tag_ids"})
    span = span_seconds(data.starts_at, data.ends_at)
    stmt = sa.insert(event_t).values(
        owner_id=owner_id, created_at=now, updated_at=now, span_seconds=span, **values
    )
    row = session.execute(stmt.returning(*EVENT_COLUMNS)).one()
    _set_links(session, owner_id, row.id, data.tag_ids)
    return _public(session, owner_id, row)


def update_event(
    *, session: Session, owner_id: int, event_id: int, data: EventUpdate
) -> EventPublic:
    """Apply a partial update; the merged times must still make a valid span."""
    owned = sa.and_(event_t.c.id == event_id, event_t.c.owner_id == owner_id)
    current = session.execute(sa.select(event_t).where(owned).with_for_update()).one_or_none()
    if current is None:
        raise NotFoundError("Event not found")
    changes = data.changes()
    starts_at = changes.get("starts_at", current.starts_at)
    ends_at = changes.get("ends_at", current.ends_at)
    try:
        check_event_span(starts_at, ends_at)
    except ValueError as exc:
        raise ValidationFailedError(str(exc), field="ends_at") from exc
    # The span follows the times in the same statement: the owner's longest stays exact.
    values = {"updated_at": datetime.now(UTC), "span_seconds": span_seconds(starts_at, ends_at)}
    stmt = sa.update(event_t).where(owned).values(**values, **changes)
    row = session.execute(stmt.returning(*EVENT_COLUMNS)).one()
    if data.tag_ids is not None:
        _set_links(session, owner_id, event_id, data.tag_ids)
    return _public(session, owner_id, row)


def delete_event(*, session: Session, owner_id: int, event_id: int) -> None:
    """Delete an event; its tag links go with it (ON DELETE CASCADE)."""
    stmt = sa.delete(event_t).where(event_t.c.id == event_id, event_t.c.owner_id == owner_id)
    if rowcount(session.execute(stmt)) == 0:
        raise NotFoundError("Event not found")


def delete_owner_data(*, session: Session, owner_id: int) -> None:
    """Delete every event, tag and link of an owner (idempotent: nothing left is no error)."""
    owned_events = sa.select(event_t.c.id).where(event_t.c.owner_id == owner_id)
    session.execute(sa.delete(link_t).where(link_t.c.event_id.in_(owned_events)))
    session.execute(sa.delete(event_t).where(event_t.c.owner_id == owner_id))
    session.execute(sa.delete(tag_t).where(tag_t.c.owner_id == owner_id))
