"""Account ids are never reused: a deleted account's id is never handed to a new sign-up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

from fc_common.migration_ops import never_reuse_ids, reuse_ids_again

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    never_reuse_ids("user_account")


def downgrade() -> None:
    reuse_ids_again("user_account")
