"""Overlap lookups start their index range at the owner's longest event, not a year back.

The plans are the database's own (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL); the
edges are checked over HTTP: an event exactly as long as the longest, one that starts before
the range and ends inside it, and the longest one shortened, lengthened or deleted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from calendar_svc import event_reads
from calendar_svc.event_span import earliest_overlapping_start
from calendar_svc.models import TimeRange, event_t
from fc_common.db import Database, UTCDateTime
from tests.calendar_svc.conftest import make_event
from tests.support.service_app import OWNER_A, OWNER_B
from tests.support.sql import captured_sql, explain

LIST_INDEX = "ix_event_owner_starts_at_id"
SPAN_INDEX = "ix_event_owner_span_seconds"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _bound(database: Database, start: datetime, owner_id: int = OWNER_A) -> datetime | None:
    """Where the owner's overlap lookups from `start` begin their index range."""
    earliest = earliest_overlapping_start(sa.literal(start, UTCDateTime), owner_id)
    if database.is_sqlite:  # the text the index range compares, not a parsed time
        earliest = sa.type_coerce(earliest, sa.String)
    with database.engine.connect() as conn:
        value = conn.execute(sa.select(earliest)).scalar()
    if value is None or value == "":
        return None
    if isinstance(value, str):  # SQLite: text in the stored format, naive UTC
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value


def _assert_bounded(database: Database, start: datetime, longest: timedelta) -> None:
    """The range begins at `start - longest`: to the second on SQLite (rounded down), exactly
    on PostgreSQL."""
    bound = _bound(database, start)
    assert bound is not None
    exact = start - longest
    if database.is_sqlite:
        assert exact - timedelta(seconds=1, milliseconds=1) <= bound <= exact, (bound, exact)
    else:
        assert bound == exact, (bound, exact)


async def _overlapping(
    client: httpx.AsyncClient, start: str, end: str, owner_id: int = OWNER_A
) -> list[str]:
    """Titles of the owner's events overlapping `[start, end)`, through the batch route."""
    body = {"ranges": [{"start": start, "end": end}]}
    response = await client.post(
        "/events/overlapping", json=body, headers={"x-user-id": str(owner_id)}
    )
    assert response.status_code == 200, response.text
    return [event["title"] for event in response.json()["results"][0]]


async def _event(client: httpx.AsyncClient, title: str, starts: str, ends: str) -> dict[str, Any]:
    return await make_event(client, title=title, starts_at=starts, ends_at=ends)


def _many_events(database: Database, owner_id: int, *, count: int, span: timedelta) -> None:
    """`count` events of `span`, four hours apart from 2026-01-01, then fresh planner stats
    (a planner that knows the table is big plans as it will in use)."""
    first = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "owner_id": owner_id,
            "title": f"event {i}",
            "starts_at": first + i * timedelta(hours=4),
            "ends_at": first + i * timedelta(hours=4) + span,
            "all_day": False,
            "span_seconds": int(span.total_seconds()),
            "created_at": first,
            "updated_at": first,
        }
        for i in range(count)
    ]
    with database.write() as session:
        session.execute(sa.insert(event_t), rows)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE event" if not database.is_sqlite else "ANALYZE")
        conn.commit()


async def test_lookups_search_both_indexes_from_the_longest_span(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    database: Database = app.state.db
    _many_events(database, OWNER_A, count=2_000, span=timedelta(hours=2, minutes=30))
    _many_events(database, OWNER_B, count=200, span=timedelta(hours=1))
    # Another owner's far longer event must not widen this owner's range.
    await make_event(
        client,
        owner_id=OWNER_B,
        starts_at="2026-01-01T00:00:00+00:00",
        ends_at="2026-12-31T00:00:00+00:00",
    )
    with captured_sql(database.engine) as issued, database.read() as session:
        event_reads.events_overlapping(
            session=session,
            owner_id=OWNER_A,
            ranges=[
                TimeRange.model_validate(
                    {"start": "2026-03-10T00:00:00Z", "end": "2026-03-11T00:00:00Z"}
                ),
                TimeRange.model_validate(
                    {"start": "2026-03-11T00:00:00Z", "end": "2026-03-12T00:00:00Z"}
                ),
            ],
        )
        event_reads.list_events(
            session=session,
            owner_id=OWNER_A,
            start=_at("2026-03-10T00:00:00Z"),
            end=_at("2026-03-20T00:00:00Z"),
            first=10,
            count=False,
        )
    event_reads_sql = [s for s in issued if "span_seconds" in s[0]]
    assert len(event_reads_sql) == 2  # the lookup and the page; the tags query needs no bound
    plans = [explain(database.engine, *statement) for statement in event_reads_sql]
    for plan in plans:
        if database.is_sqlite:
            assert f"COVERING INDEX {SPAN_INDEX} (owner_id=?)" in plan, plan
            assert f"INDEX {LIST_INDEX} (owner_id=? AND starts_at>? AND starts_at<?)" in plan, plan
            assert "SCAN event" not in plan, plan
        else:
            # The longest span: the last entry of the owner's part of the span index.
            assert re.search(f"Index Only Scan Backward using {SPAN_INDEX} on event", plan), plan
            # Both ends of the start-time range are conditions of the index search.
            assert re.search(f"(using|on) {LIST_INDEX}", plan), plan
            assert re.search(r"Index Cond: .*starts_at >= .*starts_at < ", plan), plan
            assert "Seq Scan on event" not in plan, plan
    _assert_bounded(database, _at("2026-03-10T00:00:00Z"), timedelta(hours=2, minutes=30))
    assert _bound(database, _at("2026-03-10T00:00:00Z"), owner_id=3) is None  # no events


async def test_edges_of_the_longest_span(app: FastAPI, client: httpx.AsyncClient) -> None:
    database: Database = app.state.db
    longest = await _event(client, "longest", "2026-03-01T00:00:00+00:00", "2026-03-11T00:00:00Z")
    await _event(client, "short", "2026-03-20T23:00:00+00:00", "2026-03-21T01:00:00+00:00")
    _assert_bounded(database, _at("2026-03-11T00:00:00Z"), timedelta(days=10))

    # Exactly as long as the longest: it ends where the range starts (no overlap), or just after.
    assert await _overlapping(client, "2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z") == []
    assert await _overlapping(client, "2026-03-10T23:59:59.999999Z", "2026-03-12T00:00:00Z") == [
        "longest"
    ]
    # Starts before the range, ends inside it.
    assert await _overlapping(client, "2026-03-21T00:00:00Z", "2026-03-22T00:00:00Z") == ["short"]

    # Shortened: the bound follows at once, and the event is still found where it now is.
    response = await client.patch(
        f"/events/{longest['id']}", json={"ends_at": "2026-03-01T00:30:00+00:00"}
    )
    assert response.status_code == 200, response.text
    _assert_bounded(database, _at("2026-03-21T00:00:00Z"), timedelta(hours=2))
    assert await _overlapping(client, "2026-03-01T00:29:00Z", "2026-03-02T00:00:00Z") == ["longest"]
    assert await _overlapping(client, "2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z") == []
    assert await _overlapping(client, "2026-03-21T00:00:00Z", "2026-03-22T00:00:00Z") == ["short"]

    # Lengthened by an update of its start: found 20 days on.
    response = await client.patch(
        f"/events/{longest['id']}", json={"starts_at": "2026-02-09T00:00:00+00:00"}
    )
    assert response.status_code == 200, response.text
    _assert_bounded(database, _at("2026-03-01T00:00:00Z"), timedelta(days=20, minutes=30))
    assert await _overlapping(client, "2026-03-01T00:00:00Z", "2026-03-01T00:10:00Z") == ["longest"]

    # Deleted: the next longest bounds the range, and what overlaps is still found.
    assert (await client.delete(f"/events/{longest['id']}")).status_code == 204
    _assert_bounded(database, _at("2026-03-21T00:00:00Z"), timedelta(hours=2))
    assert await _overlapping(client, "2026-03-21T00:59:59Z", "2026-03-22T00:00:00Z") == ["short"]
    assert await _overlapping(client, "2026-03-21T01:00:00Z", "2026-03-22T00:00:00Z") == []


async def test_a_span_with_a_fraction_of_a_second_is_never_cut_short(
    client: httpx.AsyncClient,
) -> None:
    # 3600.5 s long: stored as 3601 s (rounded up), and SQLite's millisecond rounding of the
    # bound never moves it past the event's start.
    await _event(client, "odd", "2026-03-01T10:00:00.999900+00:00", "2026-03-01T11:00:01.4999Z")
    assert await _overlapping(client, "2026-03-01T11:00:01.4998Z", "2026-03-01T12:00:00Z") == [
        "odd"
    ]
    assert await _overlapping(client, "2026-03-01T11:00:01.4999Z", "2026-03-01T12:00:00Z") == []
    assert await _overlapping(client, "2026-03-01T00:00:00Z", "2026-03-01T10:00:00.9999Z") == []


async def test_list_filters_from_a_time_use_the_same_bound(client: httpx.AsyncClient) -> None:
    await _event(client, "long", "2026-03-01T00:00:00+00:00", "2026-03-08T00:00:00+00:00")
    await _event(client, "later", "2026-03-09T00:00:00+00:00", "2026-03-09T01:00:00+00:00")
    response = await client.get(
        "/events", params={"from": "2026-03-07T23:00:00Z", "count": "false"}
    )
    page = response.json()
    assert [e["title"] for e in page["items"]] == ["long", "later"]
    assert page["total_count"] is None
    response = await client.get("/events", params={"from": "2026-03-08T00:00:00Z"})
    assert [e["title"] for e in response.json()["items"]] == ["later"]
    assert response.json()["total_count"] == 1
