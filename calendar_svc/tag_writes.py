"""Writes of tags: create, rename/recolor, delete (leaving the tombstone the diary follows).

Each function runs inside the caller's write transaction (`Database.write()`), which commits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from calendar_svc.models import TagCreate, TagPublic, TagUpdate, tag_t, tombstone_t
from fc_common.errors import ConflictError, NotFoundError
from fc_common.sql import public, rowcount


def _name_taken(name: str) -> ConflictError:
    return ConflictError(
        f"A tag named {name!r} already exists", field="name", code="TAG_NAME_TAKEN"
    )


def create_tag(*, session: Session, owner_id: int, data: TagCreate) -> TagPublic:
    """Add a tag; a name the owner already uses (in any case) is a `TAG_NAME_TAKEN` conflict."""
    now = datetime.now(UTC)
    values = {"name": data.name, "name_key": data.name.casefold(), "color": data.color}
    stmt = sa.insert(tag_t).values(owner_id=owner_id, created_at=now, updated_at=now, **values)
    try:
        row = session.execute(stmt.returning(*tag_t.c)).one()
    except IntegrityError as exc:
        raise _name_taken(data.name) from exc
    return public(TagPublic, row)


def update_tag(*, session: Session, owner_id: int, tag_id: int, data: TagUpdate) -> TagPublic:
    """Rename or recolor a tag; `NotFoundError` when it is not the owner's."""
    values: dict[str, Any] = {"updated_at": datetime.now(UTC)}
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
    return public(TagPublic, row)


def delete_tag(*, session: Session, owner_id: int, tag_id: int) -> None:
    """Delete a tag, leaving a tombstone for the diary; event links go too (ON DELETE CASCADE)."""
    stmt = sa.delete(tag_t).where(tag_t.c.id == tag_id, tag_t.c.owner_id == owner_id)
    if rowcount(session.execute(stmt)) == 0:
        raise NotFoundError("Tag not found")
    tombstone = {"owner_id": owner_id, "tag_id": tag_id, "deleted_at": datetime.now(UTC)}
    session.execute(sa.insert(tombstone_t).values(**tombstone))
