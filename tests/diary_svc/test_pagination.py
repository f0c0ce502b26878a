"""Keyset pagination: walking every page loses and repeats nothing, even while rows arrive."""

from __future__ import annotations

import datetime as dt
import random

import httpx

from tests.diary_svc.conftest import make_entry


async def _walk(
    client: httpx.AsyncClient, *, first: int, between_pages: list[str]
) -> tuple[list[dict[str, object]], list[int]]:
    """Read every page; before each next page insert an entry dated `between_pages[i]`."""
    seen: list[dict[str, object]] = []
    totals: list[int] = []
    after: str | None = None
    pending = list(between_pages)
    while True:
        params: dict[str, str | int] = {"first": first}
        if after is not None:
            params["after"] = after
        response = await client.get("/entries", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen.extend(page["items"])
        totals.append(page["total_count"])
        if not page["has_next_page"]:
            assert len(page["items"]) <= first
            return seen, totals
        assert len(page["items"]) == first
        after = page["end_cursor"]
        if pending:
            await make_entry(client, date=pending.pop(0))


async def test_pages_cover_every_row_once_while_rows_are_inserted(
    client: httpx.AsyncClient,
) -> None:
    rng = random.Random(20260301)
    start = dt.date(2026, 1, 1)
    # Many rows share a date, so the id tie-break decides the order within a day.
    initial = [
        make_entry(client, date=(start + dt.timedelta(days=rng.randrange(10))).isoformat())
        for _ in range(37)
    ]
    existing = [await coroutine for coroutine in initial]
    # New rows land before the cursor (never seen), on its date (after by id) and beyond it.
    inserted_dates = ["2025-12-31", "2026-01-05", "2026-01-05", "2026-02-01", "2026-01-01"]

    seen, totals = await _walk(client, first=5, between_pages=inserted_dates)

    ids = [int(str(e["id"])) for e in seen]
    assert len(ids) == len(set(ids)), "a row was repeated"
    keys = [(str(e["date"]), int(str(e["id"]))) for e in seen]
    assert keys == sorted(keys), "pages are not in (date, id) order"
    assert {e["id"] for e in existing} <= set(ids), "a row that existed all along was lost"
    # Every inserted row dated after the cursor at insert time must show up later.
    listed_now = await client.get("/entries", params={"first": 100})
    everything = listed_now.json()["items"]
    assert listed_now.json()["total_count"] == 37 + len(inserted_dates)
    missed = [e for e in everything if e["id"] not in set(ids)]
    assert all(e["date"] == "2025-12-31" or e["date"] == "2026-01-01" for e in missed)
    assert totals[0] == 37
    assert totals == sorted(totals)


async def test_a_single_full_page_has_no_next_page(client: httpx.AsyncClient) -> None:
    for day in range(1, 4):
        await make_entry(client, date=f"2026-02-0{day}")

    page = (await client.get("/entries", params={"first": 3})).json()
    after_last = await client.get("/entries", params={"first": 3, "after": page["end_cursor"]})

    assert page["has_next_page"] is False
    assert len(page["items"]) == 3
    assert after_last.json() == {
        "items": [],
        "cursors": [],
        "total_count": 3,
        "has_next_page": False,
        "end_cursor": None,
    }


async def test_filters_apply_to_every_page_and_to_the_count(client: httpx.AsyncClient) -> None:
    wanted = []
    for day in range(1, 10):
        mood = "CALM" if day % 2 else "SAD"
        entry = await make_entry(client, date=f"2026-03-0{day}", mood=mood)
        if mood == "CALM" and day >= 3:
            wanted.append(entry["id"])

    got: list[int] = []
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"first": 2, "mood": "CALM", "from": "2026-03-03"}
        if after:
            params["after"] = after
        page = (await client.get("/entries", params=params)).json()
        assert page["total_count"] == len(wanted)
        got += [e["id"] for e in page["items"]]
        if not page["has_next_page"]:
            break
        after = page["end_cursor"]

    assert got == wanted


async def test_a_filter_given_twice_in_the_query_string_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/entries?mood=HAPPY&mood=SAD")
    assert response.status_code == 422
    assert response.json()["field"] == "mood"
    assert (await client.get("/entries?mood=HAPPY&first=5")).status_code == 200
