"""The calendar's tables and API shapes: one SQLModel family per entity (tag, event, link)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fc_common.batch import MAX_LOOKUP_KEYS
from fc_common.db import ID_TYPE, NEVER_REUSE_IDS, TimestampedRow, UTCDateTime
from fc_common.fields import INPUT, NOT_NULLABLE, PartialUpdate
from fc_common.pagination import RowId
from fc_common.text import NO_NUL_PATTERN, storable_text

MAX_EVENT_SPAN = timedelta(days=366)
MAX_TAGS_PER_EVENT = 50


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_text(value: Any) -> Any:
    """Accept only ISO 8601 text: pydantic would otherwise read numbers as Unix timestamps."""
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        raise ValueError("expected an ISO 8601 datetime with an offset")
    return value


def _to_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to UTC, refusing one that leaves the representable range."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("datetime out of range") from exc


def _check_span(starts_at: datetime, ends_at: datetime) -> None:
    """An event ends no earlier than it starts and lasts at most 366 days."""
    if ends_at < starts_at:
        raise ValueError("ends_at must not be before starts_at")
    if ends_at - starts_at > MAX_EVENT_SPAN:
        raise ValueError("an event spans at most 366 days")


UtcDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_to_utc)]
_Storable = AfterValidator(storable_text)
Text = Annotated[str, _Storable]

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL_PATTERN),
    _Storable,
]
Description = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL_PATTERN), _Storable]
Location = Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL_PATTERN), _Storable]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=NO_NUL_PATTERN),
    _Storable,
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$"), AfterValidator(str.upper)]
TagIds = Annotated[list[RowId], PydanticField(max_length=MAX_TAGS_PER_EVENT)]

# --- tags -------------------------------------------------------------------------------------


# Each family: `*Base` is what a client may say the object is (validated types); `*Create`
# builds on it, and so does the table row (its columns narrowing the same fields). `*Public`,
# what the API answers, keeps plain types: the answers' schemas carry no input constraints.
# `*Update` has the same fields, every one optional (so not a `*Base`: a type checker rightly
# refuses optional overrides).


class TagBase(SQLModel):
    """What a tag is: a name unique per owner (case-insensitive) and a `#RRGGBB` color."""

    name: TagName
    color: Color


class TagCreate(TagBase):
    """A new tag."""

    model_config = INPUT


class TagUpdate(PartialUpdate):
    """Changes to a tag; absent fields stay as they are."""

    name: TagName | None = NOT_NULLABLE
    color: Color | None = NOT_NULLABLE


class Tag(TagBase, TimestampedRow, table=True):
    """A tag row; `name_key` (the case-folded name) makes names unique per owner."""

    __table_args__ = (
        sa.UniqueConstraint("owner_id", "name_key", name="uq_tag_owner_name_key"),
        NEVER_REUSE_IDS,
    )

    name: str = Field(max_length=50)
    name_key: str = Field(max_length=200)
    color: str = Field(max_length=7)


class TagPublic(SQLModel):
    """A tag as the API shows it."""

    name: str
    color: str
    id: int
    created_at: datetime
    updated_at: datetime


# --- events -----------------------------------------------------------------------------------


class EventBase(SQLModel):
    """What an event is: a titled span of time, with an optional description and location."""

    title: Title
    description: Description | None = None
    location: Location | None = None
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    all_day: bool = False


class EventCreate(EventBase):
    """A new event; `tag_ids` must all be the owner's tags."""

    model_config = INPUT

    tag_ids: TagIds = PydanticField(default_factory=list)

    @field_validator("ends_at")
    @classmethod
    def _valid_span(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        if "starts_at" in info.data:  # else starts_at failed and has its own error
            _check_span(info.data["starts_at"], ends_at)
        return ends_at


class EventUpdate(PartialUpdate):
    """Changes to an event; absent fields stay, `null` clears description or location,
    `tag_ids` replaces the whole set."""

    title: Title | None = NOT_NULLABLE
    description: Description | None = None
    location: Location | None = None
    starts_at: UtcDateTime | None = NOT_NULLABLE
    ends_at: UtcDateTime | None = NOT_NULLABLE
    all_day: bool | None = NOT_NULLABLE
    tag_ids: TagIds | None = NOT_NULLABLE


class Event(EventBase, TimestampedRow, table=True):
    """An event row, owned by one user."""

    # Overlap queries bound starts_at on both sides: from the range's start less the owner's
    # longest span (read from the second index, one probe) to its end. So the first index
    # serves lists, time filters and overlap lookups alike, scanning only rows that may overlap.
    __table_args__ = (
        sa.Index("ix_event_owner_starts_at_id", "owner_id", "starts_at", "id"),
        sa.Index("ix_event_owner_span_seconds", "owner_id", "span_seconds"),
        NEVER_REUSE_IDS,
    )

    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=sa.Text)
    location: str | None = Field(default=None, max_length=300)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    all_day: bool = Field(default=False, nullable=False)
    # ends_at - starts_at in whole seconds, rounded up: never shorter than the real span.
    span_seconds: int = Field(nullable=False)


def span_seconds(starts_at: datetime, ends_at: datetime) -> int:
    """An event's span in whole seconds, rounded up (what `Event.span_seconds` holds)."""
    return -((starts_at - ends_at) // timedelta(seconds=1))


class EventPublic(SQLModel):
    """An event as the API shows it, its tags embedded (ordered by name)."""

    title: str
    description: str | None = None
    location: str | None = None
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    id: int
    tags: list[TagPublic]
    created_at: datetime
    updated_at: datetime


def check_event_span(starts_at: datetime, ends_at: datetime) -> None:
    """Apply the span rules to an updated event's merged times (a `ValueError` if broken)."""
    _check_span(starts_at, ends_at)


# --- links ------------------------------------------------------------------------------------


class EventTagLink(SQLModel, table=True):
    """One event carries one tag; either's deletion removes the link."""

    __tablename__ = "event_tag"
    __table_args__ = (sa.Index("ix_event_tag_tag_id_event_id", "tag_id", "event_id"),)

    event_id: int = Field(
        sa_type=ID_TYPE, foreign_key="event.id", ondelete="CASCADE", primary_key=True
    )
    tag_id: int = Field(sa_type=ID_TYPE, foreign_key="tag.id", ondelete="CASCADE", primary_key=True)


class TagTombstone(SQLModel, table=True):
    """A deleted tag, numbered in deletion order: what the diary must forget (see README)."""

    __tablename__ = "tag_tombstone"
    __table_args__ = (NEVER_REUSE_IDS,)

    seq: int | None = Field(default=None, primary_key=True, sa_type=ID_TYPE)
    owner_id: int = Field(sa_type=sa.BigInteger, nullable=False)
    tag_id: int = Field(sa_type=sa.BigInteger, nullable=False)
    deleted_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


tag_t = Tag.metadata.tables["tag"]
event_t = Event.metadata.tables["event"]
link_t = EventTagLink.metadata.tables["event_tag"]
tombstone_t = TagTombstone.metadata.tables["tag_tombstone"]

# --- batch lookups ----------------------------------------------------------------------------


class TimeRange(SQLModel):
    """A half-open time range `[start, end)`; an event matches when it overlaps it.

    A range whose end precedes its start is empty, not an error: it matches nothing.
    """

    model_config = INPUT

    start: UtcDateTime
    end: UtcDateTime


class RangesBody(SQLModel):
    """Many time ranges in one request (at most 500)."""

    model_config = INPUT

    ranges: list[TimeRange] = PydanticField(max_length=MAX_LOOKUP_KEYS)
