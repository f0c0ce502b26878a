"""Every migration of every process goes down and up again (SQLite and PostgreSQL).

A rollback must be able to rely on each step's `downgrade`, and a step must never be written
so that applying it a second time after its downgrade fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from calendar_svc.app import MIGRATIONS_DIR as CALENDAR
from diary_svc.app import MIGRATIONS_DIR as DIARY
from fc_common.db import create_db_engine
from fc_common.migrations import alembic_config
from graph_gateway.app import MIGRATIONS_DIR as GATEWAY

HISTORIES = {"calendar": CALENDAR, "diary": DIARY, "gateway": GATEWAY}


def _tables(database_url: str) -> set[str]:
    engine = create_db_engine(database_url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", HISTORIES)
def test_each_step_goes_down_and_up_again(name: str, database_url: str) -> None:
    config = alembic_config(HISTORIES[name], database_url)
    steps = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()][::-1]
    assert len(steps) >= 2
    schemas = {}
    for revision in steps:
        command.upgrade(config, revision)
        schemas[revision] = _tables(database_url)
    # From the head, one step down at a time: each downgrade leaves its parent's tables.
    for revision, parent in zip(steps[:0:-1], steps[-2::-1], strict=True):
        command.downgrade(config, parent)
        assert _tables(database_url) == schemas[parent], revision
        command.upgrade(config, revision)
        assert _tables(database_url) == schemas[revision], revision
        command.downgrade(config, parent)
    command.downgrade(config, "base")
    assert _tables(database_url) == set()
    command.upgrade(config, "head")
    assert _tables(database_url) == schemas[steps[-1]]


def test_every_history_is_one_line(tmp_path: Path) -> None:
    """One head and no branches: replicas of one release agree on what "newest" is."""
    for name, folder in HISTORIES.items():
        script = ScriptDirectory.from_config(alembic_config(folder, f"sqlite:///{tmp_path}/x.db"))
        assert len(script.get_heads()) == 1, name
