"""`/maintenance`: what the gateway's background jobs read across users (internal token only)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from calendar_svc.queries import tombstone_t
from fc_common.errors import error_responses
from fc_common.internal_auth import require_internal_token
from fc_common.pagination import MAX_ROW_ID
from fc_common.service_app import DatabaseDep
from fc_common.tag_feed import MAX_FEED_ITEMS, DeletedTag, DeletedTags

router = APIRouter(
    prefix="/maintenance",
    tags=["maintenance"],
    dependencies=[Depends(require_internal_token)],
    responses=error_responses(401, 413, 422),
)


class FeedQuery(BaseModel):
    """Where to read the deletion feed from, and how much of it."""

    model_config = ConfigDict(extra="forbid")

    after: int = Field(0, ge=0, le=MAX_ROW_ID, description="The last deletion number seen")
    limit: int = Field(MAX_FEED_ITEMS, ge=1, le=MAX_FEED_ITEMS, description="Page size")


@router.get("/deleted-tags")
def deleted_tags(db: DatabaseDep, query: Annotated[FeedQuery, Query()]) -> DeletedTags:
    """List tag deletions (of every user) numbered after `after`, oldest first."""
    t = tombstone_t
    stmt = sa.select(t.c.seq, t.c.owner_id, t.c.tag_id).where(t.c.seq > query.after)
    with db.read() as session:
        rows = session.execute(stmt.order_by(t.c.seq).limit(query.limit)).all()
    return DeletedTags(
        items=[DeletedTag(seq=r.seq, owner_id=r.owner_id, tag_id=r.tag_id) for r in rows]
    )
