"""What the owner's events list is narrowed by: one model for the query string of `GET /events`
and the JSON body of `POST /events/search`, so both routes apply the same rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from calendar_svc.models import UtcDateTime
from fc_common.batch import DEFAULT_PAGE_SIZE, PageSize
from fc_common.pagination import Cursor, RowId
from fc_common.text import NO_NUL_PATTERN, storable_text

MAX_SEARCH_CHARS = 200

SearchText = Annotated[
    str,
    StringConstraints(max_length=MAX_SEARCH_CHARS, pattern=NO_NUL_PATTERN),
    AfterValidator(storable_text),
]


class EventSearch(BaseModel):
    """Filters and page of the events list; every field is optional (`{}`: the first page)."""

    model_config = ConfigDict(extra="forbid")

    start: UtcDateTime | None = Field(
        None, alias="from", description="Events overlapping from (inclusive)"
    )
    end: UtcDateTime | None = Field(None, alias="to", description="Up to (exclusive)")
    tag_id: RowId | None = Field(None, description="Only events carrying this tag")
    search: SearchText | None = Field(None, description="Substring of title or description")
    first: PageSize = DEFAULT_PAGE_SIZE
    after: Cursor | None = None
    count: bool = Field(
        True, description="Count the matches over all pages (`total_count`); false: null, cheaper"
    )
