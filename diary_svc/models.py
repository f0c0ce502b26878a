"""The diary's tables and API shapes: the entry SQLModel family and the entry↔tag link."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BeforeValidator,
    StringConstraints,
    model_validator,
)
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from fc_common.batch import MAX_LOOKUP_KEYS
from fc_common.db import ID_TYPE, NEVER_REUSE_IDS, OwnedRow, TimestampedRow, UTCDateTime
from fc_common.diary_enums import Mood, Weather
from fc_common.fields import INPUT, NOT_NULLABLE, PartialUpdate
from fc_common.pagination import RowId
from fc_common.text import storable_text

EARLIEST_DATE = dt.date(1900, 1, 1)
MAX_CONTENT_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_TAGS_PER_ENTRY = 50


def latest_entry_date(today: dt.date) -> dt.date:
    """The last date an entry may carry: one year after `today` (Feb 29 falls back to Feb 28)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _in_diary_range(value: dt.date) -> dt.date:
    """Refuse dates before 1900-01-01 or more than a year after today (UTC)."""
    latest = latest_entry_date(dt.datetime.now(dt.UTC).date())
    if not EARLIEST_DATE <= value <= latest:
        raise ValueError(f"date must be between {EARLIEST_DATE} and {latest}")
    return value


def _not_blank(value: str) -> str:
    """Refuse content made only of whitespace."""
    if not value.strip():
        raise ValueError("content must not be blank")
    return value


def _iso_text(value: Any) -> Any:
    """Accept a date only as `YYYY-MM-DD` text, never as a number of seconds."""
    if not isinstance(value, str | dt.date):
        raise ValueError("date must be a YYYY-MM-DD string")
    return value


def _whole_number(value: Any) -> Any:
    """Accept an id as a JSON number only (`3` or `3.0`), never as text or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    return value


def _distinct(ids: list[int]) -> list[int]:
    """Drop repeated ids, keeping the first occurrence's order."""
    return list(dict.fromkeys(ids))


Text = Annotated[str, AfterValidator(storable_text)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
EntryDate = Annotated[IsoDate, AfterValidator(_in_diary_range)]
Title = Annotated[Text, StringConstraints(max_length=MAX_TITLE_CHARS)]
Content = Annotated[
    Text,
    StringConstraints(min_length=1, max_length=MAX_CONTENT_CHARS),
    AfterValidator(_not_blank),
]
TagIds = Annotated[
    list[Annotated[RowId, BeforeValidator(_whole_number)]],
    PydanticField(max_length=MAX_TAGS_PER_ENTRY),
    AfterValidator(_distinct),
]

# The family: `EntryBase` is what a client may say an entry is (validated types);
# `EntryCreate` builds on it, and so does the table row (its columns narrowing the same fields).
# `EntryPublic`, what the API answers, keeps plain types: the answers' schemas carry no input
# constraints. `EntryUpdate` has the same fields, every one optional (so not an `EntryBase`: a
# type checker rightly refuses optional overrides).


class EntryBase(SQLModel):
    """What an entry is: a dated text with an optional title, mood and weather."""

    date: EntryDate
    title: Title | None = None
    content: Content
    mood: Mood | None = None
    weather: Weather | None = None


class EntryCreate(EntryBase):
    """A new entry; `tag_ids` are calendar tag ids the gateway has already checked."""

    model_config = INPUT

    tag_ids: TagIds = PydanticField(default_factory=list)


class EntryUpdate(PartialUpdate):
    """Changes to an entry; absent fields stay, `null` clears title, mood or weather,
    `tag_ids` replaces the whole set."""

    date: EntryDate | None = NOT_NULLABLE
    title: Title | None = None
    content: Content | None = NOT_NULLABLE
    mood: Mood | None = None
    weather: Weather | None = None
    tag_ids: TagIds | None = NOT_NULLABLE


class Entry(EntryBase, TimestampedRow, table=True):
    """An entry row, owned by one user."""

    __table_args__ = (
        sa.Index("ix_entry_owner_date_id", "owner_id", "date", "id"),
        NEVER_REUSE_IDS,
    )

    date: dt.date = Field(sa_type=sa.Date, nullable=False)
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS)
    content: str = Field(sa_type=sa.Text, nullable=False)
    # Plain strings, not database enums: adding a mood later needs no type migration.
    mood: Mood | None = Field(default=None, sa_type=sa.String(16))
    weather: Weather | None = Field(default=None, sa_type=sa.String(16))


class ImagePublic(SQLModel):
    """An image as the API shows it; its bytes are at `/images/{id}/content`."""

    id: int
    entry_id: int
    content_type: str
    byte_size: int
    width: int | None
    height: int | None
    sha256: str
    created_at: dt.datetime


class EntryPublic(SQLModel):
    """An entry as the API shows it, with its tag ids (ascending) and images (oldest first)."""

    date: dt.date
    title: str | None = None
    content: str
    mood: Mood | None = None
    weather: Weather | None = None
    id: int
    tag_ids: list[int]
    images: list[ImagePublic] = PydanticField(default_factory=list)
    created_at: dt.datetime
    updated_at: dt.datetime


class EntryTagLink(SQLModel, table=True):
    """One entry carries one tag id; deleting the entry removes the link."""

    __tablename__ = "entry_tag"
    __table_args__ = (sa.Index("ix_entry_tag_tag_id_entry_id", "tag_id", "entry_id"),)

    entry_id: int = Field(
        sa_type=ID_TYPE, foreign_key="entry.id", ondelete="CASCADE", primary_key=True
    )
    # Tags live in calendar_svc, so there is no foreign key to follow.
    tag_id: int = Field(sa_type=sa.BigInteger, primary_key=True)


class DateRange(SQLModel):
    """An inclusive range of dates."""

    model_config = INPUT

    start: IsoDate
    end: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class DateRangesBody(SQLModel):
    """Many date ranges in one request (at most 500)."""

    model_config = INPUT

    ranges: list[DateRange] = PydanticField(max_length=MAX_LOOKUP_KEYS)


class DiaryImage(OwnedRow, table=True):
    """An image attached to an entry: where its cleaned bytes are stored and what they are."""

    __tablename__ = "image"
    __table_args__ = (
        sa.Index("ix_image_entry_id_id", "entry_id", "id"),
        sa.Index("ux_image_storage_key", "storage_key", unique=True),
        NEVER_REUSE_IDS,
    )

    entry_id: int = Field(
        sa_type=ID_TYPE, foreign_key="entry.id", ondelete="CASCADE", nullable=False
    )
    storage_key: str = Field(sa_type=sa.String(64), nullable=False)
    content_type: str = Field(sa_type=sa.String(32), nullable=False)
    byte_size: int = Field(sa_type=sa.BigInteger, nullable=False)
    width: int = Field(nullable=False)
    height: int = Field(nullable=False)
    sha256: str = Field(sa_type=sa.String(64), nullable=False)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)


entry_t = Entry.metadata.tables["entry"]
link_t = EntryTagLink.metadata.tables["entry_tag"]
image_t = DiaryImage.metadata.tables["image"]
