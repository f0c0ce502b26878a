"""Create tags, events and their links, with the indexes the queries need.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tag",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("owner_id", "name_key", name="uq_tag_owner_name_key"),
    )
    op.create_table(
        "event",
        sa.Column("id", ID_TYPE, primary_key=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.String(300), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_owner_starts_at_id", "event", ["owner_id", "starts_at", "id"])
    op.create_table(
        "event_tag",
        sa.Column(
            "event_id", ID_TYPE, sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("tag_id", ID_TYPE, sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_event_tag_tag_id_event_id", "event_tag", ["tag_id", "event_id"])


def downgrade() -> None:
    op.drop_table("event_tag")
    op.drop_table("event")
    op.drop_table("tag")
