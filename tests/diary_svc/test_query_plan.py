"""The (owner_id, date) index serves the list and the date-range lookup (SQLite's plans)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import event

from diary_svc import entry_reads
from diary_svc.app import create_app
from diary_svc.models import DateRange
from diary_svc.settings import DiarySettings
from fc_common.db import Database
from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")

INDEX = "ix_entry_owner_date_id"


def _plans(database: Database, run: Callable[[], Any]) -> dict[str, str]:
    """Run some queries and return SQLite's plan for each entry-table statement they issued."""
    issued: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM entry" in statement or "JOIN entry " in statement:
            issued.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    plans = {}
    with database.engine.connect() as conn:
        for statement, parameters in issued:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans[statement] = "\n".join(str(row[-1]) for row in rows)
    return plans


async def test_list_and_range_queries_search_the_owner_date_index(
    settings: DiarySettings,
) -> None:
    app = create_app(settings)
    async with LifespanManager(app):
        database: Database = app.state.db

        def run() -> None:
            with database.read() as session:
                entry_reads.list_entries(
                    session=session,
                    owner_id=1,
                    filters=entry_reads.EntryFilters(
                        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 2, 1)
                    ),
                    first=20,
                    after=(dt.date(2026, 1, 3), 5),
                )
                entry_reads.entries_in_ranges(
                    session=session,
                    owner_id=1,
                    ranges=[
                        DateRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)),
                        DateRange(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 2)),
                    ],
                )

        plans = _plans(database, run)

    count, page, ranges = plans.values()
    assert f"USING COVERING INDEX {INDEX} (owner_id=? AND date>? AND date<?)" in count, count
    assert f"USING INDEX {INDEX} (owner_id=? AND date>? AND date<?)" in page, page
    assert "TEMP B-TREE" not in page, page  # the index already yields (date, id) order
    assert f"USING INDEX {INDEX} (owner_id=? AND date>? AND date<?)" in ranges, ranges
    for plan in plans.values():
        assert "SCAN entry" not in plan, plan
