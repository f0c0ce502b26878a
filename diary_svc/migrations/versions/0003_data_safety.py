"""Ids are never reused; tags the calendar deleted are retired here; keyed writes are remembered.

Revision ID: 0003
Revises: 0002
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

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    never_reuse_ids("entry")
    never_reuse_ids("image")
    op.create_table(
        "retired_tag",
        sa.Column("owner_id", sa.BigInteger(), primary_key=True),
        sa.Column("tag_id", sa.BigInteger(), primary_key=True),
        sa.Column("calendar_seq", sa.BigInteger(), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=False),
    )
    create_idempotent_write_table()


def downgrade() -> None:
    drop_idempotent_write_table()
    op.drop_table("retired_tag")
    reuse_ids_again("image")
    reuse_ids_again("entry")
