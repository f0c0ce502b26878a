"""The feed of deleted tags from the calendar (the source of truth) to the diary.

The calendar numbers every tag deletion (`seq`); the diary remembers the highest number it has
applied. The gateway moves the entries between them (`graph_gateway.tag_sync`), so a deletion
whose diary half was lost to a crash still reaches the diary.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fc_common.pagination import RowId

MAX_FEED_ITEMS = 500


class DeletedTag(BaseModel):
    """One tag deletion: its number in the calendar's order, whose tag, which tag."""

    model_config = ConfigDict(extra="forbid")

    seq: RowId
    owner_id: RowId
    tag_id: RowId


class DeletedTags(BaseModel):
    """A page of tag deletions, in `seq` order (at most 500)."""

    model_config = ConfigDict(extra="forbid")

    items: list[DeletedTag] = Field(max_length=MAX_FEED_ITEMS)


class FeedPosition(BaseModel):
    """The highest deletion number applied so far (0 for none)."""

    seq: int = Field(ge=0)
