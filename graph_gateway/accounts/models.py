"""The gateway's own table: one row per account."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from fc_common.db import UTCDateTime

# Row ids are 64-bit on PostgreSQL; on SQLite only INTEGER makes the rowid alias (autoincrement).
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 100


class User(SQLModel, table=True):
    """An account; `email` is stored lower-cased, which makes it unique case-insensitively."""

    __tablename__ = "user_account"
    __table_args__ = (sa.UniqueConstraint("email", name="uq_user_account_email"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=ID_TYPE)
    email: str = Field(max_length=MAX_EMAIL_LENGTH, nullable=False)
    password_hash: str = Field(max_length=255, nullable=False)
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
