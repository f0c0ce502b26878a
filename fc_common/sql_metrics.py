"""Time every SQL statement by a short, bounded name ("SELECT event", "INSERT tag", "BEGIN")."""

from __future__ import annotations

import re
import time
from typing import Any

from prometheus_client import Histogram
from sqlalchemy import event
from sqlalchemy.engine import Engine

STATEMENT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
MAX_REMEMBERED = 4_096

STATEMENT_DURATION = Histogram(
    "fc_db_statement_duration_seconds",
    "SQL statements executed, by verb and first table.",
    ["statement"],
    buckets=STATEMENT_BUCKETS,
)

_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)", re.IGNORECASE)
# `name AS (`, or `name(col, …) AS (`: the names a WITH clause defines.
_CTE_NAMES = re.compile(
    r"(\w+)\"?\s*(?:\([^)]*\))?\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(", re.IGNORECASE
)
_TABLE_AFTER = {
    "INSERT": re.compile(r"\bINTO\s+\"?(\w+)", re.IGNORECASE),
    "UPDATE": re.compile(r"^\s*UPDATE\s+\"?(\w+)", re.IGNORECASE),
    "DELETE": re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE),
}
_KEPT_VERBS = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"})
_names: dict[str, str] = {}


def statement_name(sql: str) -> str:
    """The statement's verb and the table it starts from; anything else is just its verb."""
    name = _names.get(sql)
    if name is not None:
        return name
    verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "EMPTY"
    pattern = _TABLE_AFTER.get(verb)
    if verb in _KEPT_VERBS:
        name = verb
    elif verb in ("SELECT", "WITH"):
        name = _read_name(sql)
    elif pattern is None:
        name = "OTHER"  # one label for whatever else, so the series stay few
    else:
        match = pattern.search(sql)
        name = f"{verb} {match.group(1).lower()}" if match else verb
    if len(_names) < MAX_REMEMBERED:
        _names[sql] = name
    return name


def _read_name(sql: str) -> str:
    """`SELECT <first real table>`: common table expressions and `VALUES` lists skipped."""
    skipped = {name.lower() for name in _CTE_NAMES.findall(sql)} | {"values"}
    tables = [t.lower() for t in _TABLES.findall(sql) if t.lower() not in skipped]
    return f"SELECT {tables[0]}" if tables else "SELECT"


def time_statements(engine: Engine) -> None:
    """Observe each statement's execution time on `fc_db_statement_duration_seconds`."""
    children: dict[str, Any] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _started(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["fc_statement_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _finished(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = conn.info.pop("fc_statement_started", None)
        if started is None:
            return
        name = statement_name(statement)
        child = children.get(name)
        if child is None:
            child = children[name] = STATEMENT_DURATION.labels(name)
        child.observe(time.perf_counter() - started)
