"""Each event records its span in seconds, indexed per owner: overlap lookups start their index
range at the owner's longest event instead of a year back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from fc_common.db import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_event_owner_span_seconds"
# A rebuild on SQLite (batch mode) must keep the table's AUTOINCREMENT (migration 0002).
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
BACKFILL_BATCH = 1_000

event = sa.table(
    "event",
    sa.column("id", sa.BigInteger()),
    sa.column("starts_at", UTCDateTime()),
    sa.column("ends_at", UTCDateTime()),
    sa.column("span_seconds", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("event", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("span_seconds", sa.Integer(), nullable=True))
    # In Python, so the rounding is exactly the service's (up to the whole second) on both
    # databases: a span shorter than the real one would hide overlapping events.
    bind = op.get_bind()
    rows = bind.execute(sa.select(event.c.id, event.c.starts_at, event.c.ends_at)).all()
    fill = (
        sa.update(event)
        .where(event.c.id == sa.bindparam("row_id"))
        .values(span_seconds=sa.bindparam("span"))
    )
    for start in range(0, len(rows), BACKFILL_BATCH):
        batch_rows = rows[start : start + BACKFILL_BATCH]
        spans = [
            {"row_id": row.id, "span": -((row.starts_at - row.ends_at) // timedelta(seconds=1))}
            for row in batch_rows
        ]
        bind.execute(fill, spans)
    with op.batch_alter_table("event", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.alter_column("span_seconds", existing_type=sa.Integer(), nullable=False)
    op.create_index(INDEX, "event", ["owner_id", "span_seconds"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="event")
    with op.batch_alter_table("event", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_column("span_seconds")
