"""`/maintenance`: what the gateway's background jobs read across users (internal token only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from calendar_svc import tag_reads
from fc_common.pagination import MAX_ROW_ID
from fc_common.service_app import DatabaseDep
from fc_common.service_routes import maintenance_router
from fc_common.tag_feed import MAX_FEED_ITEMS, DeletedTags

router = maintenance_router(401, 413, 422)


class FeedQuery(BaseModel):
    """Where to read the deletion feed from, and how much of it."""

    model_config = ConfigDict(extra="forbid")

    after: int = Field(0, ge=0, le=MAX_ROW_ID, description="The last deletion number seen")
    limit: int = Field(MAX_FEED_ITEMS, ge=1, le=MAX_FEED_ITEMS, description="Page size")


@router.get("/deleted-tags")
def deleted_tags(db: DatabaseDep, query: Annotated[FeedQuery, Query()]) -> DeletedTags:
    """List tag deletions (of every user) numbered after `after`, oldest first."""
    items = db.query(tag_reads.deleted_tags, after=query.after, limit=query.limit)
    return DeletedTags(items=items)
