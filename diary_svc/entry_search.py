"""What the owner's entries list is narrowed by: one model for the query string of `GET /entries`
and the JSON body of `POST /entries/search`, so both routes apply the same rules."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from diary_svc.models import IsoDate
from fc_common.batch import DEFAULT_PAGE_SIZE, PageSize
from fc_common.diary_enums import Mood
from fc_common.pagination import Cursor, RowId


class EntrySearch(BaseModel):
    """Filters and page of the entries list; every field is optional (`{}`: the first page)."""

    model_config = ConfigDict(extra="forbid")

    date_from: IsoDate | None = Field(None, alias="from", description="Earliest date (inclusive)")
    date_to: IsoDate | None = Field(None, alias="to", description="Latest date (inclusive)")
    mood: Mood | None = None
    tag_id: RowId | None = Field(None, description="Only entries carrying this tag")
    first: PageSize = DEFAULT_PAGE_SIZE
    after: Cursor | None = None
    count: bool = Field(
        True, description="Count the matches over all pages (`total_count`); false: null, cheaper"
    )
