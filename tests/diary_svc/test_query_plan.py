"""The (owner_id, date) index serves the list and the date-range lookup (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

from diary_svc import entry_reads
from diary_svc.app import create_app
from diary_svc.models import DateRange
from diary_svc.settings import DiarySettings
from fc_common.db import Database
from fc_common.pagination import encode_cursor
from tests.support.service_app import started
from tests.support.sql import captured_sql, explain

INDEX = "ix_entry_owner_date_id"


def _reads_entries(statement: str) -> bool:
    """Statements that read the entry table, the ones whose plans this test checks."""
    return "FROM entry" in statement or "JOIN entry " in statement


async def test_list_and_range_queries_search_the_owner_date_index(
    settings: DiarySettings,
) -> None:
    app = create_app(settings)
    async with started(app):
        database: Database = app.state.db
        with captured_sql(database.engine, _reads_entries) as issued, database.read() as session:
            entry_reads.list_entries(
                session=session,
                owner_id=1,
                date_from=dt.date(2026, 1, 1),
                date_to=dt.date(2026, 2, 1),
                first=20,
                after=encode_cursor(dt.date(2026, 1, 3).isoformat(), 5),
            )
            entry_reads.entries_in_ranges(
                session=session,
                owner_id=1,
                ranges=[
                    DateRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)),
                    DateRange(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 2)),
                ],
            )
        count, page, ranges = (explain(database.engine, *statement) for statement in issued)

    if database.engine.dialect.name == "sqlite":
        searched = f"{INDEX} (owner_id=? AND date>? AND date<?)"
        assert f"USING COVERING INDEX {searched}" in count, count
        assert f"USING INDEX {searched}" in page, page
        assert "TEMP B-TREE" not in page, page  # the index already yields (date, id) order
        assert f"USING INDEX {searched}" in ranges, ranges
        for plan in (count, page, ranges):
            assert "SCAN entry" not in plan, plan
    else:
        for plan in (count, page, ranges):
            assert f"using {INDEX} on entry" in plan, plan
            assert "Seq Scan on entry" not in plan, plan
            assert re.search(r"Index Cond: \(+owner_id = ", plan), plan  # searched, not filtered
        for plan in (count, page):  # the date window bounds the index search as well
            assert re.search(r"Index Cond: .*\(date >= .*\(date <= ", plan), plan
        assert "Sort" not in page, page  # the index already yields (date, id) order
