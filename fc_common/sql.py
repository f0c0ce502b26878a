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

from fc_common.db import SqlRunner

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


def rows_for_ids(
    session: SqlRunner, statement: sa.Executable, ids: Iterable[int], **params: Any
) -> list[Row]:
    """The rows `statement` answers for all `ids` (bound to its `ids` one chunk at a time)."""
    return [
        row for chunk in chunks(ids) for row in session.execute(statement, {**params, "ids": chunk})
    ]


def values_cte(name: str, rows: Sequence[tuple[Any, ...]], **columns: Any) -> sa.CTE:
    """A `VALUES` table of a batch's keys (columns named and typed by `columns`), as a CTE.

    Written as text with a bound parameter per value: SQLAlchemy caches no statement holding a
    `values()` construct, so each call compiled the whole lookup again (about a third of a
    month view's calendar call). This text depends only on the number of keys (a month: 31),
    and both databases name a VALUES list's columns column1, column2, ...
    """
    types = list(columns.values())
    params: list[sa.BindParameter[Any]] = []
    tuples = []
    for i, row in enumerate(rows):
        names = [f"{name}_{i}_{j}" for j in range(len(types))]
        params += [sa.bindparam(n, v, type_=t) for n, v, t in zip(names, row, types, strict=True)]
        tuples.append("(" + ", ".join(f":{n}" for n in names) + ")")
    selected = ", ".join(f"column{j + 1} AS {column}" for j, column in enumerate(columns))
    query = f"SELECT {selected} FROM (VALUES {', '.join(tuples)}) AS {name}_rows"  # noqa: S608 - names are ours, values bound
    typed = [sa.column(column, sql_type) for column, sql_type in columns.items()]
    return sa.text(query).bindparams(*params).columns(*typed).cte(name)


def grouped(indexes: Iterable[int], items: Iterable[T], count: int) -> list[list[T]]:
    """A batch's answer: `items` sorted into `count` lists by the key index of each one's row."""
    per_key: list[list[T]] = [[] for _ in range(count)]
    for index, item in zip(indexes, items, strict=True):
        per_key[index].append(item)
    return per_key


def in_request_order(
    found: Iterable[dict[str, Any]], ids: Sequence[int]
) -> list[dict[str, Any] | None]:
    """A by-id batch's answer: the objects for `ids` (matched on their `id`), in request order,
    `None` for a miss."""
    by_id = {item["id"]: item for item in found}
    return [by_id.get(item_id) for item_id in ids]


def public(model: type[M], row: Row, **extra: Any) -> M:
    """The public model of a row: its columns by name, plus what the row lacks (embedded lists)."""
    return model.model_validate({**row._mapping, **extra})


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows a Core `update` or `delete` touched."""
    count: int = result.rowcount  # type: ignore[attr-defined]
    return count
