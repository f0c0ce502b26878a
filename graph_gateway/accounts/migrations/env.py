"""Alembic environment of the gateway's accounts database."""

from sqlmodel import SQLModel

import graph_gateway.accounts.models
import graph_gateway.http.idempotency_store  # noqa: F401 - and the idempotency keys
from fc_common.alembic_env import run_migrations

run_migrations(SQLModel.metadata)
