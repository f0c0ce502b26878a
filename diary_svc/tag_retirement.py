"""Tags the calendar deleted are retired here for good: links to them go and never come back.

Retiring a tag and linking entries to tags both take the owner's tag lock (PostgreSQL advisory
lock; SQLite has one writer anyway), so they never interleave: a link written first is removed
by the retirement, a link written after it is refused. The calendar never reuses a tag id, so
a retired id stays retired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel

from diary_svc.models import entry_t, link_t
from fc_common.db import UTCDateTime, insert_or_ignore
from fc_common.errors import ValidationFailedError
from fc_common.sql import rowcount


class RetiredTag(SQLModel, table=True):
    """A calendar tag id the owner's entries may no longer carry (`calendar_seq` when known)."""

    __tablename__ = "retired_tag"

    owner_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    tag_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    calendar_seq: int | None = Field(default=None, sa_type=sa.BigInteger)
    retired_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


retired_t = RetiredTag.metadata.tables["retired_tag"]


def lock_owner_tags(session: Session, owner_id: int) -> None:
    """Serialize the owner's tag-link writes until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(owner_id)))


def refuse_retired(session: Session, *, owner_id: int, tag_ids: Sequence[int]) -> None:
    """Refuse tag ids the calendar deleted (422 `UNKNOWN_TAG` on `tag_ids`)."""
    if not tag_ids:
        return
    stmt = sa.select(retired_t.c.tag_id).where(
        retired_t.c.owner_id == owner_id, retired_t.c.tag_id.in_(set(tag_ids))
    )
    retired = sorted(session.scalars(stmt))
    if retired:
        raise ValidationFailedError(
            f"Deleted tag id(s): {retired}", field="tag_ids", code="UNKNOWN_TAG"
        )


def retire_tag(
    session: Session, *, owner_id: int, tag_id: int, now: dt.datetime, seq: int | None = None
) -> int:
    """Retire a tag id and take it off the owner's entries; how many entries carried it."""
    lock_owner_tags(session, owner_id)
    row = {"owner_id": owner_id, "tag_id": tag_id, "calendar_seq": seq, "retired_at": now}
    if not insert_or_ignore(session, retired_t, row) and seq is not None:
        mine = sa.and_(retired_t.c.owner_id == owner_id, retired_t.c.tag_id == tag_id)
        session.execute(sa.update(retired_t).where(mine).values(calendar_seq=seq))
    carriers = (
        sa.select(link_t.c.entry_id)
        .join(entry_t, entry_t.c.id == link_t.c.entry_id)
        .where(entry_t.c.owner_id == owner_id, link_t.c.tag_id == tag_id)
    )
    touched = session.execute(
        sa.update(entry_t).where(entry_t.c.id.in_(carriers)).values(updated_at=now)
    )
    owned_entries = sa.select(entry_t.c.id).where(entry_t.c.owner_id == owner_id)
    session.execute(
        sa.delete(link_t).where(link_t.c.tag_id == tag_id, link_t.c.entry_id.in_(owned_entries))
    )
    return rowcount(touched)


def last_seq(session: Session) -> int:
    """The highest calendar deletion number applied here (0 for none)."""
    return int(
        session.scalar(sa.select(sa.func.coalesce(sa.func.max(retired_t.c.calendar_seq), 0))) or 0
    )
