"""Alembic environment of the calendar service."""

from sqlmodel import SQLModel

import calendar_svc.models  # noqa: F401 - registers the tables on SQLModel.metadata
from fc_common.alembic_env import run_migrations

run_migrations(SQLModel.metadata)
