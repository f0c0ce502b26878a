"""Writes of diary images: record a stored file against an entry, delete a row.

Each function runs inside the caller's write transaction (`Database.write()`), which commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import sqlalchemy as sa
from sqlmodel import Session

from diary_svc.imaging import CleanImage
from diary_svc.models import ImagePublic, image_t
from fc_common.sql import public


def insert_image(
    *, session: Session, owner_id: int, entry_id: int, storage_key: str, image: CleanImage
) -> ImagePublic:
    """Record a stored image file against an entry the caller has checked is the owner's."""
    now = dt.datetime.now(dt.UTC)
    where = {"owner_id": owner_id, "entry_id": entry_id, "storage_key": storage_key}
    stmt = sa.insert(image_t).values(created_at=now, **where, **asdict(image))
    return public(ImagePublic, session.execute(stmt.returning(*image_t.c)).one())


def delete_image(*, session: Session, owner_id: int, image_id: int) -> str | None:
    """Delete the owner's image row; its storage key (to remove the file), or None if absent."""
    owned = sa.and_(image_t.c.owner_id == owner_id, image_t.c.id == image_id)
    stmt = sa.delete(image_t).where(owned).returning(image_t.c.storage_key)
    key: str | None = session.scalar(stmt)
    return key
