"""How far back an event overlapping a time can start: the owner's longest span, in SQL.

Every event stores its span in whole seconds (rounded up), indexed by (owner_id, span_seconds),
so the owner's longest is one index probe. An overlap lookup starts its (owner_id, starts_at)
index range at `start - longest` instead of a fixed year back, in the same statement (one
snapshot, one round trip): `seconds_before(start, longest)`, compiled per database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from calendar_svc.models import event_t
from fc_common.db import UTCDateTime


class seconds_before(GenericFunction[Any]):  # noqa: N801 - a SQL function, named like one
    """`seconds_before(at, seconds)`: the time `seconds` before `at`; NULL if `seconds` is."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(seconds_before, "sqlite")
def _sqlite(element: seconds_before, compiler: SQLCompiler, **kw: Any) -> str:
    at, seconds = (compiler.process(c, **kw) for c in element.clauses)
    # Text in the stored format, to the millisecond, which SQLite rounds: one second more
    # keeps the bound at or before the exact one (the range may start early, never late).
    # Before year 0 SQLite gives NULL; '' sorts before every stored time.
    shifted = f"strftime('%Y-%m-%d %H:%M:%f', {at}, '-' || ({seconds} + 1) || ' seconds')"
    return f"coalesce({shifted}, '')"


@compiles(seconds_before, "postgresql")
def _postgresql(element: seconds_before, compiler: SQLCompiler, **kw: Any) -> str:
    at, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"({at} - {seconds} * interval '1 second')"


def longest_span(owner_id: int) -> sa.ScalarSelect[Any]:
    """The owner's longest event span in seconds (NULL when they have no events)."""
    longest = sa.func.max(event_t.c.span_seconds)
    # Never correlated with the enclosing query's `event`: this reads all the owner's events.
    stmt = sa.select(longest).where(event_t.c.owner_id == owner_id).correlate(None)
    return stmt.scalar_subquery()


def earliest_overlapping_start(start: Any, owner_id: int) -> sa.ColumnElement[Any]:
    """The earliest start of an event of the owner's that can still overlap `start`."""
    return seconds_before(start, longest_span(owner_id))
