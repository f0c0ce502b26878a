"""The SQL idiom both services use: SQLAlchemy Core statements on the SQLModel tables.

Reads select the public columns and turn rows straight into JSON objects (`json_rows`), with
no ORM identity map or model per row; writes are `insert`/`update`/`delete` statements,
`RETURNING` the row when the answer needs it. These are the pieces the statements share.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

Row = sa.Row[Any]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Keeps `IN (...)` lists well under SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 5_000


def chunks(values: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    """The distinct values, ascending, in `IN (...)` lists of a size every database accepts."""
    unique = sorted(set(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def values_cte(name: str, rows: Sequence[tuple[Any, ...]], **columns: Any) -> sa.CTE:
    """A `VALUES` table of a batch's keys (columns named and typed by `columns`), as a CTE."""
    typed = [sa.column(column, sql_type) for column, sql_type in columns.items()]
    return sa.values(*typed, name=name).data(list(rows)).cte(name)


def grouped(indexes: Iterable[int], items: Iterable[T], count: int) -> list[list[T]]:
    """A batch's answer: `items` sorted into `count` lists by the key index of each one's row."""
    per_key: list[list[T]] = [[] for _ in range(count)]
    for index, item in zip(indexes, items, strict=True):
        per_key[index].append(item)
    return per_key


def public(model: type[M], row: Row, **extra: Any) -> M:
    """The public model of a row: its columns by name, plus what the row lacks (embedded lists)."""
    return model.model_validate({**row._mapping, **extra})


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows a Core `update` or `delete` touched."""
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count
