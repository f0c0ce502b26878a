"""Ids are never reused; deleted tags leave a tombstone; keyed writes are remembered.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fc_common.db import UTCDateTime
from fc_common.migration_ops import (
    create_idempotent_write_table,
    drop_idempotent_write_table,
    never_reuse_ids,
    reuse_ids_again,
)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    never_reuse_ids("tag")
    never_reuse_ids("event")
    op.create_table(
        "tag_tombstone",
        sa.Column("seq", ID_TYPE, sa.Identity(), primary_key=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    create_idempotent_write_table()


def downgrade() -> None:
    drop_idempotent_write_table()
    op.drop_table("tag_tombstone")
    reuse_ids_again("event")
    reuse_ids_again("tag")
