"""The SQL behind the routes: a fixed number of statements per batch, and index use for lists."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from tests.calendar_svc.conftest import make_event, make_tag
from tests.support.sql import captured_sql, explain

EVENT_INDEX = "ix_event_owner_starts_at_id"


def engine_of(app: FastAPI) -> Engine:
    """The app's database engine."""
    engine: Engine = app.state.db.engine
    return engine


async def seed(
    client: httpx.AsyncClient, count: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`count` events on consecutive days in March 2026, each with two tags."""
    tag = await make_tag(client, name="common")
    events = []
    for i in range(count):
        own = await make_tag(client, name=f"own-{i}")
        day = f"2026-03-{i % 28 + 1:02d}T{i // 28:02d}:00:00+00:00"
        events.append(
            await make_event(client, starts_at=day, ends_at=day, tag_ids=[tag["id"], own["id"]])
        )
    return events, tag


async def test_batches_run_a_fixed_number_of_statements(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    events, tag = await seed(client, 30)
    engine = engine_of(app)
    ids = [e["id"] for e in events]
    with captured_sql(engine) as sql:
        response = await client.post("/events/batch", json={"ids": [*ids, 9999]})
    assert response.json()["items"][:-1] == events
    assert len(sql) == 2  # the events, then all their tags

    ranges = [
        {"start": f"2026-03-{d:02d}T00:00:00Z", "end": f"2026-03-{d + 1:02d}T00:00:00Z"}
        for d in range(1, 29)
    ]
    with captured_sql(engine) as sql:
        response = await client.post("/events/overlapping", json={"ranges": ranges})
    assert sum(len(r) for r in response.json()["results"]) == 30
    assert len(sql) == 2

    requests = [{"tag_id": tag["id"], "first": 5}] + [
        {"tag_id": t["id"]} for e in events for t in e["tags"] if t["id"] != tag["id"]
    ]
    with captured_sql(engine) as sql:
        response = await client.post("/events/by-tag", json={"requests": requests})
    pages = response.json()["results"]
    assert [p["total_count"] for p in pages] == [30] + [1] * 30
    assert len(sql) == 3  # the pages, the counts, the embedded tags

    with captured_sql(engine) as sql:
        response = await client.get("/events", params={"first": 100})
    assert len(response.json()["items"]) == 30
    assert len(sql) == 3  # the count, the page, the embedded tags


async def test_time_range_list_and_overlap_lookup_use_the_owner_time_index(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await seed(client, 5)
    engine = engine_of(app)
    window: dict[str, str | int] = {
        "from": "2026-03-02T00:00:00Z",
        "to": "2026-03-04T00:00:00Z",
        "first": 10,
    }
    with captured_sql(engine) as sql:
        assert (await client.get("/events", params=window)).status_code == 200
        ranges = [{"start": "2026-03-02T00:00:00Z", "end": "2026-03-03T00:00:00Z"}]
        assert (
            await client.post("/events/overlapping", json={"ranges": ranges})
        ).status_code == 200
    page_query = next(s for s in sql if "LIMIT" in s[0].upper())
    overlap_query = next(s for s in sql if s[0].lstrip().upper().startswith("WITH"))
    for statement, params in (page_query, overlap_query):
        plan = explain(engine, statement, params)
        assert EVENT_INDEX in plan, plan
        if engine.dialect.name == "sqlite":
            assert "SCAN event" not in plan.replace("SCAN event_tag", ""), plan
