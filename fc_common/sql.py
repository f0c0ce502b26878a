"""The SQL idiom both services use: SQLAlchemy Core statements on the SQLModel tables.

Reads select table columns and turn each row straight into its public model (`public`), with no
ORM identity map per row; writes are `insert`/`update`/`delete` statements, `RETURNING` the row
when the answer needs it. These are the pieces the statements share.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session

Row = sa.Row[Any]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Identified = TypeVar("Identified", bound="HasId")


class HasId(Protocol):
    """Anything with a row id (the public models)."""

    @property
    def id(self) -> int: ...


# Keeps `IN (...)` lists well under SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 5_000


def chunks(values: Iterable[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    """The distinct values, ascending, in `IN (...)` lists of a size every database accepts."""
    unique = sorted(set(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def rows_where_in(
    session: Session, stmt: sa.Select[Any], column: sa.ColumnElement[Any], values: Iterable[int]
) -> list[Row]:
    """The rows of `stmt` whose `column` is one of `values`: one statement per 5,000 values."""
    rows: list[Row] = []
    for chunk in chunks(values):
        rows.extend(session.execute(stmt.where(column.in_(chunk))))
    return rows


def owned_rows(session: Session, table: sa.Table, owner_id: int, ids: Iterable[int]) -> list[Row]:
    """The owner's rows of `table` among `ids` (others' ids and misses are simply absent)."""
    stmt = sa.select(table).where(table.c.owner_id == owner_id)
    return rows_where_in(session, stmt, table.c.id, ids)


def in_request_order(found: Iterable[Identified], ids: Sequence[int]) -> list[Identified | None]:
    """A batch read's answer: the object found for each requested id, `None` for a miss."""
    by_id = {item.id: item for item in found}
    return [by_id.get(row_id) for row_id in ids]


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
