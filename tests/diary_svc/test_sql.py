"""The SQL behind the batch routes: the same few statements whatever the batch size (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.diary_svc.conftest import make_entry

DATA_STATEMENTS = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE"}


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[str]]:
    """Record the data statements (not BEGIN/PRAGMA) the engine runs inside the block."""
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in DATA_STATEMENTS:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _statements_for(
    app: FastAPI, client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> list[str]:
    """The statements one batch request runs (it must succeed)."""
    with captured_sql(app.state.db.engine) as statements:
        response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    return list(statements)


@pytest.fixture
async def entries(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Twelve entries over six days, each carrying tag 1 and a tag of its own."""
    return [
        await make_entry(client, date=f"2026-05-0{i % 6 + 1}", tag_ids=[1, 100 + i])
        for i in range(12)
    ]


def _bodies(entries: list[dict[str, Any]], size: int) -> dict[str, dict[str, Any]]:
    """A request body per batch route, asking for `size` keys."""
    return {
        "/entries/batch": {"ids": [e["id"] for e in entries][:size]},
        "/entries/by-date-range": {
            "ranges": [{"start": f"2026-05-0{i % 6 + 1}", "end": "2026-05-06"} for i in range(size)]
        },
        "/entries/by-tag": {
            "requests": [{"tag_id": 100 + i if i else 1, "first": 5} for i in range(size)]
        },
    }


async def test_batch_routes_run_the_same_statements_for_1_or_12_keys(
    app: FastAPI, client: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    small, large = _bodies(entries, 1), _bodies(entries, 12)
    for path in small:
        one = await _statements_for(app, client, path, small[path])
        many = await _statements_for(app, client, path, large[path])
        assert len(many) == len(one), (path, many)
        # The lookup itself is one statement; the rest read tag links and images once each.
        assert len(many) <= 3, (path, many)


async def test_list_runs_a_count_a_page_and_the_fixed_reads(
    app: FastAPI, client: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    with captured_sql(app.state.db.engine) as statements:
        response = await client.get("/entries", params={"first": 12, "tag_id": 1})

    assert response.status_code == 200
    assert len(response.json()["items"]) == 12
    assert len(statements) <= 4, statements


async def test_retiring_a_tag_is_three_statements_for_any_number_of_entries(
    app: FastAPI, client: httpx.AsyncClient, entries: list[dict[str, Any]]
) -> None:
    with captured_sql(app.state.db.engine) as statements:
        response = await client.delete("/tags/1")

    assert response.status_code == 204
    # The retirement record, the entries' timestamps, the links (plus PostgreSQL's owner lock).
    locks = [s for s in statements if "pg_advisory_xact_lock" in s]
    assert len(statements) - len(locks) == 3, statements
    listed = await client.get("/entries", params={"tag_id": 1})
    assert listed.json()["total_count"] == 0
