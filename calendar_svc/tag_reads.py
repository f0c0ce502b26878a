"""Reads of tags: the owner's list, by id, embedded in events, and the deletion feed.

Like every read here, one Core statement per call (per 5,000 ids), rows straight to JSON objects
(`fc_common.json_rows`), the statements built once at import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from calendar_svc.models import link_t, tag_t, tombstone_t
from fc_common.db import SqlRunner
from fc_common.errors import found_or_404
from fc_common.json_rows import JsonObject, column_keys, distinct_objects, objects
from fc_common.sql import in_request_order, public, rows_for_ids
from fc_common.tag_feed import DeletedTag

# The public columns, in `TagPublic`'s order.
TAG_COLUMNS = tuple(tag_t.c[name] for name in ("name", "color", "id", "created_at", "updated_at"))
TAG_KEYS = column_keys(TAG_COLUMNS)
_OWNER = sa.bindparam("owner_id", type_=sa.BigInteger)
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)

_LIST = (
    sa.select(*TAG_COLUMNS).where(tag_t.c.owner_id == _OWNER).order_by(tag_t.c.name_key, tag_t.c.id)
)
_BY_IDS = sa.select(*TAG_COLUMNS).where(tag_t.c.owner_id == _OWNER, tag_t.c.id.in_(_IDS))
_BY_EVENT = (
    sa.select(*TAG_COLUMNS, link_t.c.event_id)
    .join(tag_t, tag_t.c.id == link_t.c.tag_id)
    .where(tag_t.c.owner_id == _OWNER, link_t.c.event_id.in_(_IDS))
    .order_by(tag_t.c.name_key, tag_t.c.id)
)


def list_tags(*, session: SqlRunner, owner_id: int) -> list[JsonObject]:
    """All of an owner's tags, ordered by case-folded name, then id."""
    return objects(TAG_KEYS, session.execute(_LIST, {"owner_id": owner_id}))


def get_tags(*, session: SqlRunner, owner_id: int, ids: Sequence[int]) -> list[JsonObject | None]:
    """The owner's tags for `ids`, in request order, `None` for a miss or another owner's id."""
    rows = rows_for_ids(session, _BY_IDS, ids, owner_id=owner_id)
    return in_request_order(objects(TAG_KEYS, rows), ids)


def get_tag(*, session: SqlRunner, owner_id: int, tag_id: int) -> JsonObject:
    """One of the owner's tags, or `NotFoundError`."""
    return found_or_404(get_tags(session=session, owner_id=owner_id, ids=[tag_id]), "Tag not found")


def tags_by_event(
    session: SqlRunner, owner_id: int, event_ids: Iterable[int]
) -> dict[int, list[JsonObject]]:
    """Each event's tags, ordered by name: one query for all the events (per 5,000)."""
    rows = rows_for_ids(session, _BY_EVENT, event_ids, owner_id=owner_id)
    tags, _ = distinct_objects(TAG_KEYS, rows)
    by_event: dict[int, list[JsonObject]] = {}
    for row, tag in zip(rows, tags, strict=True):
        by_event.setdefault(row[-1], []).append(tag)
    return by_event


def deleted_tags(*, session: SqlRunner, after: int, limit: int) -> list[DeletedTag]:
    """Tag deletions (of every owner) numbered after `after`, oldest first."""
    t = tombstone_t
    stmt = sa.select(t.c.seq, t.c.owner_id, t.c.tag_id).where(t.c.seq > after)
    rows = session.execute(stmt.order_by(t.c.seq).limit(limit))
    return [public(DeletedTag, row) for row in rows]
