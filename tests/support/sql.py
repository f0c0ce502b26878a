"""Watch the SQL a service runs, and ask the database how it would run a statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

DATA_VERBS = frozenset({"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"})
MIGRATION_TABLES = frozenset({"alembic_version"})


def is_data_statement(statement: str) -> bool:
    """True for statements that read or write rows (not BEGIN, PRAGMA, SET ...)."""
    words = statement.lstrip().split(None, 1)
    return bool(words) and words[0].upper() in DATA_VERBS


@contextmanager
def captured_sql(
    engine: Engine, keep: Callable[[str], bool] = is_data_statement
) -> Iterator[list[tuple[str, Any]]]:
    """Record (statement, parameters) for each statement `keep` accepts inside the block."""
    statements: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if keep(statement):
            statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statement: str, params: Any) -> str:
    """The query plan the database picks for a statement, as text (SQLite or PostgreSQL)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            return "\n".join(str(row[-1]) for row in rows)
        # Tiny test tables make a sequential scan cheapest; ask whether the index is usable
        # (LOCAL: the pooled connection goes back without the setting).
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # undone at rollback
        rows = conn.exec_driver_sql(f"EXPLAIN {statement}", params).all()
        return "\n".join(str(row[0]) for row in rows)


def check_sqlite_intact(database_url: str) -> None:
    """On SQLite, the file passes its integrity and foreign-key checks (others: nothing to do)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return
    assert url.database is not None
    with sqlite3.connect(url.database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()  # the with block commits; it does not close


def empty_database(database_url: str, *, keep: frozenset[str] = MIGRATION_TABLES) -> None:
    """Delete every row (but the migration records) and restart ids, as in a fresh database.

    Safe while a service runs on the database: it sees the rows gone at its next transaction.
    """
    engine = create_engine(database_url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine, only=lambda name, _: name not in keep)
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                return
            # Children first, for the foreign keys. SQLite then hands out max(id) + 1 again,
            # unless a table is AUTOINCREMENT, whose counters live in sqlite_sequence.
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            if conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
            ).first():
                conn.exec_driver_sql("DELETE FROM sqlite_sequence")
    finally:
        engine.dispose()
