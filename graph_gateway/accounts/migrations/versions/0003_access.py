"""Sessions, refresh tokens, API keys, account deletions, and each account's time zone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


# Session and key ids are never reused (AUTOINCREMENT on SQLite; PostgreSQL sequences never
# reuse): a cached "session N has ended" must never be mistaken for a later session N.


def upgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"),
    )
    op.create_table(
        "auth_session",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("user_id", ID_TYPE, sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.Column("revoked_reason", sa.String(32), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_auth_session_user_id", "auth_session", ["user_id"])
    op.create_table(
        "refresh_token",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("session_id", ID_TYPE, sa.ForeignKey("auth_session.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_refresh_token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_refresh_token_session_id", "refresh_token", ["session_id"])
    op.create_table(
        "api_key",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("user_id", ID_TYPE, sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(32), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("last_used_at", WHEN, nullable=True),
        sa.UniqueConstraint("secret_hash", name="uq_api_key_secret_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_api_key_user_id", "api_key", ["user_id"])
    op.create_table(
        "account_deletion",
        sa.Column("user_id", ID_TYPE, primary_key=True, autoincrement=False),
        sa.Column("requested_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("account_deletion")
    op.drop_index("ix_api_key_user_id", table_name="api_key")
    op.drop_table("api_key")
    op.drop_index("ix_refresh_token_session_id", table_name="refresh_token")
    op.drop_table("refresh_token")
    op.drop_index("ix_auth_session_user_id", table_name="auth_session")
    op.drop_table("auth_session")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("time_zone")
