"""The diary's batch lookups: entries by id, by date range and by tag, in request order."""

from __future__ import annotations

import httpx

from tests.diary_svc.conftest import make_entry
from tests.support.service_app import OWNER_B


async def test_batch_answers_in_request_order_with_nulls(client: httpx.AsyncClient) -> None:
    one = await make_entry(client)
    two = await make_entry(client, tag_ids=[4])
    theirs = await make_entry(client, owner_id=OWNER_B)

    response = await client.post(
        "/entries/batch", json={"ids": [two["id"], 999, one["id"], theirs["id"], two["id"]]}
    )

    assert response.status_code == 200
    assert response.json() == {"items": [two, None, one, None, two]}
    empty = await client.post("/entries/batch", json={"ids": []})
    assert empty.json() == {"items": []}


async def test_batch_refuses_more_than_1000_ids(client: httpx.AsyncClient) -> None:
    assert (await client.post("/entries/batch", json={"ids": [1] * 1000})).status_code == 200
    response = await client.post("/entries/batch", json={"ids": [1] * 1001})
    assert response.status_code == 422
    assert response.json()["field"] == "ids"


async def test_by_date_range_returns_one_inclusive_list_per_range(
    client: httpx.AsyncClient,
) -> None:
    d1 = await make_entry(client, date="2026-05-01")
    d2 = await make_entry(client, date="2026-05-02")
    d3 = await make_entry(client, date="2026-05-03")
    await make_entry(client, date="2026-05-02", owner_id=OWNER_B)

    response = await client.post(
        "/entries/by-date-range",
        json={
            "ranges": [
                {"start": "2026-05-02", "end": "2026-05-03"},
                {"start": "2026-04-01", "end": "2026-04-30"},
                {"start": "2026-05-01", "end": "2026-05-01"},
                {"start": "2026-05-01", "end": "2026-05-03"},
            ]
        },
    )

    assert response.status_code == 200
    assert response.json() == {"results": [[d2, d3], [], [d1], [d1, d2, d3]]}
    assert (await client.post("/entries/by-date-range", json={"ranges": []})).json() == {
        "results": []
    }


async def test_by_date_range_refuses_reversed_or_too_many_ranges(
    client: httpx.AsyncClient,
) -> None:
    reversed_range = await client.post(
        "/entries/by-date-range", json={"ranges": [{"start": "2026-05-02", "end": "2026-05-01"}]}
    )
    assert reversed_range.status_code == 422
    assert reversed_range.json()["field"] == "ranges.0"
    day = {"start": "2026-05-01", "end": "2026-05-01"}
    assert (
        await client.post("/entries/by-date-range", json={"ranges": [day] * 500})
    ).status_code == 200
    too_many = await client.post("/entries/by-date-range", json={"ranges": [day] * 501})
    assert too_many.status_code == 422
    assert too_many.json()["field"] == "ranges"


async def test_by_tag_pages_each_request_apart(client: httpx.AsyncClient) -> None:
    a1 = await make_entry(client, date="2026-06-01", tag_ids=[1])
    a2 = await make_entry(client, date="2026-06-02", tag_ids=[1, 2])
    a3 = await make_entry(client, date="2026-06-03", tag_ids=[1])
    await make_entry(client, date="2026-06-01", tag_ids=[1], owner_id=OWNER_B)

    first = await client.post(
        "/entries/by-tag",
        json={"requests": [{"tag_id": 1, "first": 2}, {"tag_id": 2}, {"tag_id": 3}]},
    )

    assert first.status_code == 200
    pages = first.json()["results"]
    assert [e["id"] for e in pages[0]["items"]] == [a1["id"], a2["id"]]
    assert (pages[0]["total_count"], pages[0]["has_next_page"]) == (3, True)
    assert pages[1] == {
        "items": [a2],
        "cursors": [pages[1]["end_cursor"]],
        "total_count": 1,
        "has_next_page": False,
        "end_cursor": pages[1]["end_cursor"],
    }
    assert pages[2] == {
        "items": [],
        "cursors": [],
        "total_count": 0,
        "has_next_page": False,
        "end_cursor": None,
    }

    cursor = pages[0]["end_cursor"]
    second = await client.post(
        "/entries/by-tag",
        json={
            "requests": [
                {"tag_id": 1, "first": 2, "after": cursor},
                {"tag_id": 1, "first": 1},
                {"tag_id": 2, "after": pages[1]["end_cursor"]},
            ]
        },
    )
    pages = second.json()["results"]
    assert pages[0]["items"] == [a3]
    assert (pages[0]["total_count"], pages[0]["has_next_page"]) == (3, False)
    assert [e["id"] for e in pages[1]["items"]] == [a1["id"]]
    assert pages[2] == {
        "items": [],
        "cursors": [],
        "total_count": 1,
        "has_next_page": False,
        "end_cursor": None,
    }


async def test_by_tag_names_the_request_with_a_bad_cursor(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/entries/by-tag", json={"requests": [{"tag_id": 1}, {"tag_id": 1, "after": "junk"}]}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "requests.1.after"
