"""The SQL for diary images: owner-scoped reads and writes, and the batch read entries embed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from diary_svc.imaging import CleanImage
from diary_svc.models import DiaryImage, Entry, ImagePublic

# Stays under SQLite's and PostgreSQL's bound-parameter limits whatever the batch size.
_IN_CHUNK = 5_000


def publish_image(image: DiaryImage) -> ImagePublic:
    """The public shape of an image row."""
    return ImagePublic.model_validate(image)


def images_by_entry(*, session: Session, entry_ids: Sequence[int]) -> dict[int, list[ImagePublic]]:
    """Each entry's images, oldest first, in one query per 5,000 entries."""
    images: dict[int, list[ImagePublic]] = defaultdict(list)
    unique = sorted(set(entry_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        rows = session.exec(
            select(DiaryImage)
            .where(col(DiaryImage.entry_id).in_(unique[start : start + _IN_CHUNK]))
            .order_by(col(DiaryImage.entry_id), col(DiaryImage.id))
        )
        for row in rows:
            images[row.entry_id].append(publish_image(row))
    return images


def count_entry_images(*, session: Session, owner_id: int, entry_id: int, lock: bool) -> int | None:
    """How many images the owner's entry has; None when the entry is not theirs.

    With `lock`, the entry row is locked (PostgreSQL) so two uploads cannot both take the last
    free place; SQLite writers are already serialised.
    """
    query = select(Entry.id).where(Entry.owner_id == owner_id, Entry.id == entry_id)
    if lock:
        query = query.with_for_update()
    if session.exec(query).first() is None:
        return None
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(DiaryImage)
        .where(col(DiaryImage.entry_id) == entry_id)
    )
    return int(count or 0)


def insert_image(
    *,
    session: Session,
    owner_id: int,
    entry_id: int,
    storage_key: str,
    image: CleanImage,
    now: dt.datetime,
) -> ImagePublic:
    """Record a stored image file against an entry the caller has checked is the owner's."""
    row = DiaryImage(
        owner_id=owner_id,
        entry_id=entry_id,
        storage_key=storage_key,
        content_type=image.content_type,
        byte_size=image.byte_size,
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return publish_image(row)


def get_image_row(*, session: Session, owner_id: int, image_id: int) -> DiaryImage | None:
    """The owner's image row, or None when missing or someone else's."""
    return session.exec(
        select(DiaryImage).where(DiaryImage.owner_id == owner_id, DiaryImage.id == image_id)
    ).first()


def delete_image(*, session: Session, owner_id: int, image_id: int) -> str | None:
    """Delete the owner's image row; its storage key (to remove the file), or None if absent."""
    key = session.scalar(
        sa.delete(DiaryImage)
        .where(col(DiaryImage.owner_id) == owner_id, col(DiaryImage.id) == image_id)
        .returning(col(DiaryImage.storage_key))
    )
    return key


def entry_storage_keys(*, session: Session, owner_id: int, entry_id: int) -> list[str]:
    """The storage keys of the owner's entry's images (read before the entry is deleted)."""
    return list(
        session.scalars(
            sa.select(col(DiaryImage.storage_key)).where(
                col(DiaryImage.owner_id) == owner_id, col(DiaryImage.entry_id) == entry_id
            )
        )
    )


def referenced_storage_keys(*, session: Session) -> set[str]:
    """Every storage key any image row names (for the sweep, across all owners)."""
    return set(session.scalars(sa.select(col(DiaryImage.storage_key))))
