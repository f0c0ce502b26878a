"""The data-safety migrations: existing rows and links survive, and ids are never reused after.

Run on SQLite (a table rebuild) and PostgreSQL (serial → identity), up, down and up again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from calendar_svc.app import MIGRATIONS_DIR as CALENDAR_MIGRATIONS
from diary_svc.app import MIGRATIONS_DIR as DIARY_MIGRATIONS
from fc_common.db import create_db_engine
from fc_common.migrations import alembic_config

NOW = "2026-11-30 10:00:00"


@dataclass(frozen=True)
class Case:
    """A service's history: the revision before ours, ours, a parent table and a child table."""

    migrations: Path
    before: str
    after: str
    parent: str
    parent_row: str
    child: str
    child_row: str


CALENDAR = Case(
    CALENDAR_MIGRATIONS,
    "0001",
    "0002",
    "tag",
    "(owner_id, name, name_key, color, created_at, updated_at) "
    f"VALUES (1, :name, :name, '#112233', '{NOW}', '{NOW}')",
    "event_tag",
    "(event_id, tag_id) VALUES (:event_id, :parent_id)",
)
DIARY = Case(
    DIARY_MIGRATIONS,
    "0002",
    "0003",
    "entry",
    "(owner_id, date, content, created_at, updated_at) "
    f"VALUES (1, '2026-11-30', :name, '{NOW}', '{NOW}')",
    "entry_tag",
    "(entry_id, tag_id) VALUES (:parent_id, 7)",
)


def _insert_parent(conn: sa.Connection, case: Case, name: str) -> int:
    sql = f"INSERT INTO {case.parent} {case.parent_row} RETURNING id"
    return int(conn.execute(sa.text(sql), {"name": name}).scalar_one())


def _prepare_child(conn: sa.Connection, case: Case, parent_id: int) -> None:
    event_id = 0
    if case is CALENDAR:
        event_id = conn.execute(
            sa.text(
                "INSERT INTO event (owner_id, title, starts_at, ends_at, all_day, created_at, "
                "updated_at) VALUES (1, 'e', :now, :now, false, :now, :now) RETURNING id"
            ),
            {"now": NOW},
        ).scalar_one()
    sql = f"INSERT INTO {case.child} {case.child_row}"
    conn.execute(sa.text(sql), {"parent_id": parent_id, "event_id": event_id})


@pytest.mark.parametrize("case", [CALENDAR, DIARY], ids=["calendar", "diary"])
def test_upgrade_keeps_rows_and_stops_reusing_ids(case: Case, database_url: str) -> None:
    config = alembic_config(case.migrations, database_url)
    command.upgrade(config, case.before)
    engine = create_db_engine(database_url)
    with engine.begin() as conn:
        first, _, highest = (_insert_parent(conn, case, f"n{i}") for i in range(3))
        _prepare_child(conn, case, first)
        conn.execute(sa.text(f"DELETE FROM {case.parent} WHERE id = {highest}"))  # noqa: S608

    command.upgrade(config, "head")
    with engine.begin() as conn:
        kept = conn.execute(sa.text(f"SELECT count(*) FROM {case.child}")).scalar_one()  # noqa: S608
        assert kept == 1, "the rebuild must not cascade-delete the links"
        newest = _insert_parent(conn, case, "after")
        if conn.dialect.name == "postgresql":
            assert newest > highest, "the old sequence's position is carried over"
        conn.execute(sa.text(f"DELETE FROM {case.parent} WHERE id = {newest}"))  # noqa: S608
        assert _insert_parent(conn, case, "again") == newest + 1

    command.downgrade(config, case.before)
    with engine.begin() as conn:
        assert _insert_parent(conn, case, "down") > newest
    command.upgrade(config, "head")
    with engine.begin() as conn:
        ids = conn.execute(sa.text(f"SELECT id FROM {case.parent} ORDER BY id")).scalars().all()  # noqa: S608
        latest = _insert_parent(conn, case, "up")
        assert latest > max(ids)
        kept = conn.execute(sa.text(f"SELECT count(*) FROM {case.child}")).scalar_one()  # noqa: S608
        assert kept == 1
    engine.dispose()
