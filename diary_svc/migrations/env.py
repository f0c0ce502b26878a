"""Alembic environment for the diary service's own migration history."""

from sqlmodel import SQLModel

import diary_svc.models  # noqa: F401 - registers the tables on SQLModel.metadata
from fc_common.alembic_env import run_migrations

run_migrations(SQLModel.metadata)
