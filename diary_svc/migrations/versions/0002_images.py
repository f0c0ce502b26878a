"""Create the image table: one row per stored image file, deleted with its entry.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fc_common.db import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "image",
        sa.Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "entry_id", ID_TYPE, sa.ForeignKey("entry.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    # An entry's images are read and counted by entry, oldest (lowest id) first.
    op.create_index("ix_image_entry_id_id", "image", ["entry_id", "id"])
    # The sweep asks "does any row name this file?"; two rows never share one.
    op.create_index("ux_image_storage_key", "image", ["storage_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_image_storage_key", table_name="image")
    op.drop_index("ix_image_entry_id_id", table_name="image")
    op.drop_table("image")
