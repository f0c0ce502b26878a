"""Calendar migration 0003 fills each existing event's span, rounded up, on both databases.

A span recorded shorter than the event would hide it from overlap lookups, so the backfill is
checked to the microsecond edge; the rebuild keeps SQLite's AUTOINCREMENT (ids never reused).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command

from calendar_svc.app import MIGRATIONS_DIR
from fc_common.db import UTCDateTime, create_db_engine
from fc_common.migrations import alembic_config

EVENTS = sa.table(
    "event",
    sa.column("id", sa.BigInteger()),
    sa.column("owner_id", sa.BigInteger()),
    sa.column("title", sa.String()),
    sa.column("starts_at", UTCDateTime()),
    sa.column("ends_at", UTCDateTime()),
    sa.column("all_day", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# Each span and what the migration must record for it (whole seconds, rounded up).
SPANS = {
    timedelta(0): 0,
    timedelta(hours=1): 3600,
    timedelta(hours=1, microseconds=1): 3601,
    timedelta(seconds=59, microseconds=999_999): 60,
    timedelta(days=366): 366 * 86400,
}


def test_existing_events_get_their_span_rounded_up(database_url: str) -> None:
    config = alembic_config(MIGRATIONS_DIR, database_url)
    command.upgrade(config, "0002")
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(EVENTS),
                [
                    {
                        "owner_id": 1,
                        "title": f"span {i}",
                        "starts_at": START,
                        "ends_at": START + span,
                        "all_day": False,
                        "created_at": START,
                        "updated_at": START,
                    }
                    for i, span in enumerate(SPANS)
                ],
            )
            ids = [row.id for row in conn.execute(sa.select(EVENTS.c.id).order_by(EVENTS.c.id))]
        command.upgrade(config, "0003")
        with engine.connect() as conn:
            spans = conn.execute(sa.text("SELECT id, span_seconds FROM event ORDER BY id")).all()
            assert [(row.id, row.span_seconds) for row in spans] == list(
                zip(ids, SPANS.values(), strict=True)
            )
            if engine.dialect.name == "sqlite":
                table_sql = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'event'"
                ).scalar()
                assert "AUTOINCREMENT" in str(table_sql)
        command.downgrade(config, "0002")
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("event")}
            assert "span_seconds" not in columns
            assert conn.execute(sa.text("SELECT count(*) FROM event")).scalar() == len(SPANS)
    finally:
        engine.dispose()
