"""`/maintenance`: the deleted-tag feed from the calendar, applied across users (internal only)."""

from __future__ import annotations

import datetime as dt

from diary_svc.tag_retirement import last_seq, retire_tag
from fc_common.service_app import DatabaseDep
from fc_common.service_routes import maintenance_router
from fc_common.tag_feed import DeletedTags, FeedPosition

router = maintenance_router(400, 401, 413, 422)


@router.get("/deleted-tags/position")
def deleted_tags_position(db: DatabaseDep) -> FeedPosition:
    """The highest calendar deletion number this diary has applied."""
    with db.read() as session:
        return FeedPosition(seq=last_seq(session))


@router.post("/deleted-tags")
def apply_deleted_tags(body: DeletedTags, db: DatabaseDep) -> FeedPosition:
    """Retire each deleted tag on its owner's entries (idempotent); the new position."""
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        for item in body.items:
            retire_tag(session, owner_id=item.owner_id, tag_id=item.tag_id, now=now, seq=item.seq)
        return FeedPosition(seq=last_seq(session))
