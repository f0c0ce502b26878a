"""Reads of diary images: owner-scoped rows, the batch read entries embed, storage keys."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from diary_svc.models import entry_t, image_t
from fc_common.db import SqlRunner
from fc_common.json_rows import JsonObject, column_keys
from fc_common.sql import Row, rows_for_ids

# The public columns, in `ImagePublic`'s order.
IMAGE_COLUMNS = tuple(
    image_t.c[name]
    for name in (
        "id",
        "entry_id",
        "content_type",
        "byte_size",
        "width",
        "height",
        "sha256",
        "created_at",
    )
)
IMAGE_KEYS = column_keys(IMAGE_COLUMNS)
_OF_ENTRIES = (
    sa.select(*IMAGE_COLUMNS)
    .where(image_t.c.entry_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(image_t.c.entry_id, image_t.c.id)
)


def images_by_entry(*, session: SqlRunner, entry_ids: Sequence[int]) -> dict[int, list[JsonObject]]:
    """Each entry's images (JSON objects), oldest first, in one query per 5,000 entries."""
    images: dict[int, list[JsonObject]] = {}
    for row in rows_for_ids(session, _OF_ENTRIES, entry_ids):
        images.setdefault(row.entry_id, []).append(dict(zip(IMAGE_KEYS, row, strict=True)))
    return images


def count_entry_images(
    *, session: SqlRunner, owner_id: int, entry_id: int, lock: bool
) -> int | None:
    """How many images the owner's entry has; None when the entry is not theirs.

    With `lock`, the entry row is locked (PostgreSQL) so two uploads cannot both take the last
    free place; SQLite writers are already serialised.
    """
    owned = sa.select(entry_t.c.id).where(entry_t.c.owner_id == owner_id, entry_t.c.id == entry_id)
    if lock:
        owned = owned.with_for_update()
    if session.execute(owned).first() is None:
        return None
    count = session.scalar(
        sa.select(sa.func.count()).select_from(image_t).where(image_t.c.entry_id == entry_id)
    )
    return int(count or 0)


def get_image_row(*, session: SqlRunner, owner_id: int, image_id: int) -> Row | None:
    """The owner's image row, or None when missing or someone else's."""
    stmt = sa.select(image_t).where(image_t.c.owner_id == owner_id, image_t.c.id == image_id)
    return session.execute(stmt).one_or_none()


def storage_keys(*, session: SqlRunner, owner_id: int, entry_id: int | None = None) -> list[str]:
    """The storage keys of the owner's images (of one entry's, given `entry_id`)."""
    stmt = sa.select(image_t.c.storage_key).where(image_t.c.owner_id == owner_id)
    if entry_id is not None:
        stmt = stmt.where(image_t.c.entry_id == entry_id)
    return list(session.scalars(stmt))


def referenced_storage_keys(*, session: SqlRunner) -> set[str]:
    """Every storage key any image row names (for the sweep, across all owners)."""
    return set(session.scalars(sa.select(image_t.c.storage_key)))
