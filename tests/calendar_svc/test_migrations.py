"""The Alembic history builds exactly the tables and indexes the models declare."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import inspect
from sqlmodel import SQLModel

import calendar_svc.models  # noqa: F401 - registers the calendar tables

CALENDAR_TABLES = {"tag", "event", "event_tag", "tag_tombstone"}


def _table_of(diff: Any) -> str | None:
    """The table a schema difference is about (autogenerate nests some diffs in lists)."""
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None) if hasattr(part, "columns") else None
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name is not None:
            return str(name)
        if isinstance(part, str) and part in CALENDAR_TABLES:
            return part
    return None


def test_migrated_schema_matches_the_models(app: FastAPI) -> None:
    engine = app.state.db.engine
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if _table_of(d) in CALENDAR_TABLES
        ]
        assert diffs == []
        inspector = inspect(conn)
        assert set(inspector.get_table_names()) >= CALENDAR_TABLES
        links = {
            fk["referred_table"]: fk["options"].get("ondelete")
            for fk in inspector.get_foreign_keys("event_tag")
        }
        assert {table: rule.upper() for table, rule in links.items() if rule} == {
            "event": "CASCADE",
            "tag": "CASCADE",
        }
