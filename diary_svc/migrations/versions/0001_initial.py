"""Create the entry and entry_tag tables with the indexes the queries need.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fc_common.db import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "entry",
        sa.Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("mood", sa.String(length=16), nullable=True),
        sa.Column("weather", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    # Every list and range lookup is "this owner's entries by date": the keyset order too.
    op.create_index("ix_entry_owner_date_id", "entry", ["owner_id", "date", "id"])
    op.create_table(
        "entry_tag",
        sa.Column(
            "entry_id",
            ID_TYPE,
            sa.ForeignKey("entry.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag_id", sa.BigInteger(), primary_key=True),
    )
    op.create_index("ix_entry_tag_tag_id_entry_id", "entry_tag", ["tag_id", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_entry_tag_tag_id_entry_id", table_name="entry_tag")
    op.drop_table("entry_tag")
    op.drop_index("ix_entry_owner_date_id", table_name="entry")
    op.drop_table("entry")
