"""The gateway's own tables: accounts, their sessions and refresh tokens, API keys, and the
journal of account deletions still being carried out."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from fc_common.db import UTCDateTime

# Row ids are 64-bit on PostgreSQL; on SQLite only INTEGER makes the rowid alias (autoincrement).
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 100
MAX_TIME_ZONE_LENGTH = 64
MAX_API_KEY_NAME_LENGTH = 100
DIGEST_LENGTH = 64  # hex SHA-256


class _Row(SQLModel):
    """What every table with its own ids has: a 64-bit id and when the row was made."""

    id: int | None = Field(default=None, primary_key=True, sa_type=ID_TYPE)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class User(_Row, table=True):
    """An account; `email` is stored lower-cased, which makes it unique case-insensitively."""

    __tablename__ = "user_account"
    __table_args__ = (
        sa.UniqueConstraint("email", name="uq_user_account_email"),
        {"sqlite_autoincrement": True},  # a deleted account's id never returns
    )

    email: str = Field(max_length=MAX_EMAIL_LENGTH, nullable=False)
    password_hash: str = Field(max_length=255, nullable=False)
    display_name: str | None = Field(default=None, max_length=MAX_DISPLAY_NAME_LENGTH)
    time_zone: str = Field(
        default="UTC",
        max_length=MAX_TIME_ZONE_LENGTH,
        nullable=False,
        sa_column_kwargs={"server_default": "UTC"},
    )


class AuthSession(_Row, table=True):
    """One sign-in (a refresh-token family); its access tokens carry its id as `sid`."""

    __tablename__ = "auth_session"
    __table_args__ = (
        sa.Index("ix_auth_session_user_id", "user_id"),
        {"sqlite_autoincrement": True},  # ids never reused: caches key on them
    )

    user_id: int = Field(sa_type=ID_TYPE, foreign_key="user_account.id", nullable=False)
    # Absolute lifetime: no refresh extends a session past this (OWASP's absolute timeout).
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=32)


class RefreshToken(_Row, table=True):
    """One refresh token of a session, stored as a keyed hash; `used_at` marks it rotated."""

    __tablename__ = "refresh_token"
    __table_args__ = (
        sa.UniqueConstraint("token_hash", name="uq_refresh_token_hash"),
        sa.Index("ix_refresh_token_session_id", "session_id"),
        {"sqlite_autoincrement": True},
    )

    session_id: int = Field(sa_type=ID_TYPE, foreign_key="auth_session.id", nullable=False)
    token_hash: str = Field(max_length=DIGEST_LENGTH, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiKey(_Row, table=True):
    """A personal API key: only its keyed hash and its visible prefix are kept."""

    __tablename__ = "api_key"
    __table_args__ = (
        sa.UniqueConstraint("secret_hash", name="uq_api_key_secret_hash"),
        sa.Index("ix_api_key_user_id", "user_id"),
        {"sqlite_autoincrement": True},
    )

    user_id: int = Field(sa_type=ID_TYPE, foreign_key="user_account.id", nullable=False)
    name: str = Field(max_length=MAX_API_KEY_NAME_LENGTH, nullable=False)
    prefix: str = Field(max_length=16, nullable=False)
    secret_hash: str = Field(max_length=DIGEST_LENGTH, nullable=False)
    scopes: str = Field(max_length=32, nullable=False)  # comma-separated, e.g. "READ,WRITE"
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccountDeletion(SQLModel, table=True):
    """An account being erased: written with the account's tombstone, removed when every
    service has erased its data, so a crash in between is finished by the next start."""

    __tablename__ = "account_deletion"

    user_id: int = Field(
        sa_type=ID_TYPE, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    requested_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
