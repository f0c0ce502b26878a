"""The diary's writes: create, change and delete entries and their tag links, owner-scoped.

Each function runs inside the caller's write transaction (`Database.write()`), which commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from diary_svc.entry_reads import owned_entry, publish
from diary_svc.models import (
    DiaryImage,
    Entry,
    EntryCreate,
    EntryPublic,
    EntryTagLink,
    EntryUpdate,
)
from diary_svc.tag_retirement import lock_owner_tags, refuse_retired


def _set_tags(session: Session, *, owner_id: int, entry_id: int, tag_ids: Sequence[int]) -> None:
    """Replace an entry's tag links with `tag_ids`, none of which the calendar has deleted."""
    lock_owner_tags(session, owner_id)
    refuse_retired(session, owner_id=owner_id, tag_ids=tag_ids)
    session.execute(sa.delete(EntryTagLink).where(col(EntryTagLink.entry_id) == entry_id))
    if tag_ids:
        session.execute(
            sa.insert(EntryTagLink),
            [{"entry_id": entry_id, "tag_id": tag_id} for tag_id in tag_ids],
        )


def create_entry(
    *, session: Session, owner_id: int, data: EntryCreate, now: dt.datetime
) -> EntryPublic:
    """Insert an entry and its tag links."""
    entry = Entry.model_validate(
        data, update={"owner_id": owner_id, "created_at": now, "updated_at": now}
    )
    session.add(entry)
    session.flush()
    assert entry.id is not None
    _set_tags(session, owner_id=owner_id, entry_id=entry.id, tag_ids=data.tag_ids)
    return EntryPublic.model_validate(entry, update={"tag_ids": sorted(data.tag_ids)})


def update_entry(
    *, session: Session, owner_id: int, entry_id: int, data: EntryUpdate, now: dt.datetime
) -> EntryPublic | None:
    """Apply the set fields to the owner's entry; None when it is not theirs."""
    entry = owned_entry(session, owner_id=owner_id, entry_id=entry_id)
    if entry is None:
        return None
    entry.sqlmodel_update(data.changes())
    entry.updated_at = now
    session.add(entry)
    if data.tag_ids is not None:
        _set_tags(session, owner_id=owner_id, entry_id=entry_id, tag_ids=data.tag_ids)
    session.flush()
    return publish(session, [entry])[0]


def delete_entry(*, session: Session, owner_id: int, entry_id: int) -> bool:
    """Delete the owner's entry (its tag links cascade); False when it is not theirs."""
    result = session.execute(
        sa.delete(Entry).where(col(Entry.owner_id) == owner_id, col(Entry.id) == entry_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def owner_storage_keys(*, session: Session, owner_id: int) -> list[str]:
    """The storage keys of all an owner's images."""
    stmt = sa.select(col(DiaryImage.storage_key)).where(col(DiaryImage.owner_id) == owner_id)
    return list(session.scalars(stmt))


def delete_owner_data(*, session: Session, owner_id: int) -> None:
    """Delete every entry, tag link and image row of an owner (idempotent)."""
    owned_entries = sa.select(col(Entry.id)).where(col(Entry.owner_id) == owner_id)
    session.execute(sa.delete(DiaryImage).where(col(DiaryImage.owner_id) == owner_id))
    session.execute(sa.delete(EntryTagLink).where(col(EntryTagLink.entry_id).in_(owned_entries)))
    session.execute(sa.delete(Entry).where(col(Entry.owner_id) == owner_id))
