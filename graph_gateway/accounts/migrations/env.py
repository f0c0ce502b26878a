"""Alembic environment of the gateway's accounts database."""

from sqlmodel import SQLModel

import graph_gateway.accounts.models  # noqa: F401 - registers the table on SQLModel.metadata
from fc_common.alembic_env import run_migrations

run_migrations(SQLModel.metadata)
