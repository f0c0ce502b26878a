"""Writes of entries: create, change and delete entries and their tag links; erase an owner.

Each function runs inside the caller's write transaction (`Database.write()`), which commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from diary_svc.entry_reads import ENTRY_COLUMNS, publish
from diary_svc.models import EntryCreate, EntryPublic, EntryUpdate, entry_t, image_t, link_t
from diary_svc.tag_retirement import lock_owner_tags, refuse_retired
from fc_common.sql import public, rowcount


def _set_tags(session: Session, *, owner_id: int, entry_id: int, tag_ids: Sequence[int]) -> None:
    """Replace an entry's tag links with `tag_ids`, none of which the calendar has deleted."""
    lock_owner_tags(session, owner_id)
    refuse_retired(session, owner_id=owner_id, tag_ids=tag_ids)
    session.execute(sa.delete(link_t).where(link_t.c.entry_id == entry_id))
    if tag_ids:
        links = [{"entry_id": entry_id, "tag_id": tag_id} for tag_id in tag_ids]
        session.execute(sa.insert(link_t), links)


def create_entry(*, session: Session, owner_id: int, data: EntryCreate) -> EntryPublic:
    """Insert an entry and its tag links."""
    now = dt.datetime.now(dt.UTC)
    values = data.model_dump(exclude={"tag_ids"})
    stmt = sa.insert(entry_t).values(owner_id=owner_id, created_at=now, updated_at=now, **values)
    row = session.execute(stmt.returning(*entry_t.c)).one()
    _set_tags(session, owner_id=owner_id, entry_id=row.id, tag_ids=data.tag_ids)
    return public(EntryPublic, row, tag_ids=sorted(data.tag_ids), images=[])


def update_entry(
    *, session: Session, owner_id: int, entry_id: int, data: EntryUpdate
) -> EntryPublic | None:
    """Apply the set fields to the owner's entry; None when it is not theirs."""
    owned = sa.and_(entry_t.c.id == entry_id, entry_t.c.owner_id == owner_id)
    values = {**data.changes(), "updated_at": dt.datetime.now(dt.UTC)}
    stmt = sa.update(entry_t).where(owned).values(**values)
    row = session.execute(stmt.returning(*ENTRY_COLUMNS)).one_or_none()
    if row is None:
        return None
    if data.tag_ids is not None:
        _set_tags(session, owner_id=owner_id, entry_id=entry_id, tag_ids=data.tag_ids)
    # Validated: it is also what a replayed key answers.
    return EntryPublic.model_validate(publish(session, [row])[0])


def delete_entry(*, session: Session, owner_id: int, entry_id: int) -> bool:
    """Delete the owner's entry (its tag links and image rows cascade); False when not theirs."""
    owned = sa.and_(entry_t.c.id == entry_id, entry_t.c.owner_id == owner_id)
    return rowcount(session.execute(sa.delete(entry_t).where(owned))) > 0


def delete_owner_data(*, session: Session, owner_id: int) -> None:
    """Delete every entry, tag link and image row of an owner (idempotent)."""
    owned_entries = sa.select(entry_t.c.id).where(entry_t.c.owner_id == owner_id)
    session.execute(sa.delete(image_t).where(image_t.c.owner_id == owner_id))
    session.execute(sa.delete(link_t).where(link_t.c.entry_id.in_(owned_entries)))
    session.execute(sa.delete(entry_t).where(entry_t.c.owner_id == owner_id))
