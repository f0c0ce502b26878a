"""Reads of tags: the owner's list, by id, embedded in events, and the deletion feed.

Like every read here, one Core statement per call (per 5,000 ids), rows straight to `TagPublic`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import Session

from calendar_svc.models import TagPublic, link_t, tag_t, tombstone_t
from fc_common.errors import NotFoundError
from fc_common.sql import in_request_order, owned_rows, public, rows_where_in
from fc_common.tag_feed import DeletedTag


def list_tags(*, session: Session, owner_id: int) -> list[TagPublic]:
    """All of an owner's tags, ordered by case-folded name, then id."""
    stmt = sa.select(tag_t).where(tag_t.c.owner_id == owner_id)
    rows = session.execute(stmt.order_by(tag_t.c.name_key, tag_t.c.id))
    return [public(TagPublic, row) for row in rows]


def get_tags(*, session: Session, owner_id: int, ids: Sequence[int]) -> list[TagPublic | None]:
    """The owner's tags for `ids`, in request order, `None` for a miss or another owner's id."""
    rows = owned_rows(session, tag_t, owner_id, ids)
    return in_request_order((public(TagPublic, row) for row in rows), ids)


def get_tag(*, session: Session, owner_id: int, tag_id: int) -> TagPublic:
    """One of the owner's tags, or `NotFoundError`."""
    tag = get_tags(session=session, owner_id=owner_id, ids=[tag_id])[0]
    if tag is None:
        raise NotFoundError("Tag not found")
    return tag


def tags_by_event(
    session: Session, owner_id: int, event_ids: Iterable[int]
) -> dict[int, list[TagPublic]]:
    """Each event's tags, ordered by name: one query for all the events."""
    stmt = (
        sa.select(link_t.c.event_id, tag_t)
        .join(tag_t, tag_t.c.id == link_t.c.tag_id)
        .where(tag_t.c.owner_id == owner_id)
        .order_by(tag_t.c.name_key, tag_t.c.id)
    )
    by_event: dict[int, list[TagPublic]] = {}
    tags: dict[int, TagPublic] = {}
    for row in rows_where_in(session, stmt, link_t.c.event_id, event_ids):
        tag = tags.get(row.id) or tags.setdefault(row.id, public(TagPublic, row))
        by_event.setdefault(row.event_id, []).append(tag)
    return by_event


def deleted_tags(*, session: Session, after: int, limit: int) -> list[DeletedTag]:
    """Tag deletions (of every owner) numbered after `after`, oldest first."""
    t = tombstone_t
    stmt = sa.select(t.c.seq, t.c.owner_id, t.c.tag_id).where(t.c.seq > after)
    rows = session.execute(stmt.order_by(t.c.seq).limit(limit))
    return [public(DeletedTag, row) for row in rows]
