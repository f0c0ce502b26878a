"""The event list (filters, keyset pages) and the batch lookups the gateway's loaders use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.calendar_svc.conftest import make_event, make_tag


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> str:
    """An ISO instant on March 2026."""
    return f"2026-03-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+00:00"


async def ids_of(client: httpx.AsyncClient, **params: Any) -> list[int]:
    """Event ids of the first page of `GET /events` with these params."""
    response = await client.get("/events", params={"first": 100, **params})
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["items"]]


async def test_pages_lose_and_repeat_nothing_while_rows_are_inserted(
    client: httpx.AsyncClient,
) -> None:
    # Three events share each start time, so the id breaks ties inside the order.
    originals = [
        (await make_event(client, starts_at=at(10, i // 3), ends_at=at(10, i // 3)))["id"]
        for i in range(9)
    ]
    seen: list[dict[str, Any]] = []
    early: list[int] = []
    late: list[int] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"first": 4} | ({"after": after} if after else {})
        page = (await client.get("/events", params=params)).json()
        seen.extend(page["items"])
        assert page["total_count"] == len(originals) + len(early) + len(late)
        if not page["has_next_page"]:
            break
        after = page["end_cursor"]
        # Between pages: one row lands before the cursor (never shown), one after it (shown).
        early.append((await make_event(client, starts_at=at(1), ends_at=at(1)))["id"])
        late.append((await make_event(client, starts_at=at(20), ends_at=at(20)))["id"])
    ids = [e["id"] for e in seen]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(originals + late)
    keys = [(e["starts_at"], e["id"]) for e in seen]
    assert keys == sorted(keys)
    assert len(late) >= 2


async def test_page_shape_and_total_count(client: httpx.AsyncClient) -> None:
    for day in (3, 1, 2):
        await make_event(client, starts_at=at(day), ends_at=at(day, 1))
    first = (await client.get("/events", params={"first": 2})).json()
    assert [e["starts_at"][:10] for e in first["items"]] == ["2026-03-01", "2026-03-02"]
    assert first["total_count"] == 3
    assert first["has_next_page"] is True
    assert len(first["cursors"]) == 2 and first["cursors"][-1] == first["end_cursor"]
    # Any item's cursor continues right after that item.
    after_one = (await client.get("/events", params={"after": first["cursors"][0]})).json()
    assert [e["starts_at"][:10] for e in after_one["items"]] == ["2026-03-02", "2026-03-03"]
    rest = (await client.get("/events", params={"first": 2, "after": first["end_cursor"]})).json()
    assert [e["starts_at"][:10] for e in rest["items"]] == ["2026-03-03"]
    assert rest["has_next_page"] is False
    assert rest["total_count"] == 3
    empty = (await client.get("/events", params={"after": rest["end_cursor"]})).json()
    assert empty == {
        "items": [],
        "cursors": [],
        "total_count": 3,
        "has_next_page": False,
        "end_cursor": None,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"first": "many"}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"after": "WyJ4IiwxXQ"}, "after"),  # ["x", 1]: decodes, but "x" is no datetime
        ({"from": "2026-03-01T00:00:00"}, "from"),
        ({"tag_id": 0}, "tag_id"),
        ({"search": "x" * 201}, "search"),
    ],
)
async def test_bad_list_params_are_422(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/events", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_first_edges_are_accepted(client: httpx.AsyncClient) -> None:
    await make_event(client)
    for first in (1, 100):
        assert len(await ids_of(client, first=first)) == 1


async def test_time_filter_overlap_edges(client: httpx.AsyncClient) -> None:
    ends_at_from = await make_event(client, starts_at=at(1, 8), ends_at=at(1, 10))
    zero_at_from = await make_event(client, starts_at=at(1, 10), ends_at=at(1, 10))
    spanning = await make_event(client, starts_at=at(1, 9), ends_at=at(1, 13))
    inside = await make_event(client, starts_at=at(1, 11), ends_at=at(1, 11, 30))
    at_to = await make_event(client, starts_at=at(1, 12), ends_at=at(1, 14))
    long_before = await make_event(client, starts_at="2025-03-01T10:30:00+00:00", ends_at=at(1, 11))
    window = {"from": at(1, 10), "to": at(1, 12)}
    expected = [long_before["id"], spanning["id"], zero_at_from["id"], inside["id"]]
    assert await ids_of(client, **window) == expected
    assert ends_at_from["id"] not in expected and at_to["id"] not in expected
    assert await ids_of(client, to=at(1, 9)) == [long_before["id"], ends_at_from["id"]]
    assert await ids_of(client, **{"from": at(1, 13, 0, 1)}) == [at_to["id"]]


async def test_search_is_case_insensitive_and_escapes_wildcards(client: httpx.AsyncClient) -> None:
    plain = await make_event(client, title="Team Lunch")
    percent = await make_event(client, title="100% done")
    under = await make_event(client, title="snake_case", description="Has a Backslash \\ here")
    desc = await make_event(client, title="x", description="Lunch with the team")
    assert await ids_of(client, search="lunch") == [plain["id"], desc["id"]]
    assert await ids_of(client, search="%") == [percent["id"]]
    assert await ids_of(client, search="_") == [under["id"]]
    assert await ids_of(client, search="\\") == [under["id"]]
    assert await ids_of(client, search="nothing") == []


async def test_tag_filter(client: httpx.AsyncClient) -> None:
    tag = await make_tag(client)
    other = await make_tag(client)
    tagged = await make_event(client, tag_ids=[tag["id"], other["id"]])
    await make_event(client, tag_ids=[other["id"]])
    response = (await client.get("/events", params={"tag_id": tag["id"]})).json()
    assert [e["id"] for e in response["items"]] == [tagged["id"]]
    assert response["total_count"] == 1


async def test_batch_read_order_duplicates_and_misses(client: httpx.AsyncClient) -> None:
    a = await make_event(client, title="a")
    b = await make_event(client, title="b")
    response = await client.post("/events/batch", json={"ids": [b["id"], 404, a["id"], b["id"]]})
    assert response.status_code == 200
    assert response.json() == {"items": [b, None, a, b]}


async def test_overlapping_answers_each_range_in_order(client: httpx.AsyncClient) -> None:
    morning = await make_event(client, starts_at=at(1, 9), ends_at=at(1, 10))
    instant = await make_event(client, starts_at=at(2, 0), ends_at=at(2, 0))
    multi_day = await make_event(client, starts_at=at(1, 20), ends_at=at(3, 8))
    day = [{"start": at(d), "end": at(d + 1)} for d in (1, 2, 3, 4)]
    body = {"ranges": [day[1], day[0], day[3], day[1], {"start": at(1, 10), "end": at(1, 10)}]}
    response = await client.post("/events/overlapping", json=body)
    assert response.status_code == 200
    results = [[e["id"] for e in r] for r in response.json()["results"]]
    assert results == [
        [multi_day["id"], instant["id"]],
        [morning["id"], multi_day["id"]],
        [],
        [multi_day["id"], instant["id"]],
        [],  # a zero-length range at the moment `morning` ends touches nothing
    ]
    assert response.json()["results"][1][0] == morning
    empty = await client.post("/events/overlapping", json={"ranges": []})
    assert empty.json() == {"results": []}
    backwards = {"ranges": [{"start": at(3), "end": at(1)}]}
    assert (await client.post("/events/overlapping", json=backwards)).json() == {"results": [[]]}


@pytest.mark.parametrize(
    "body",
    [
        {"ranges": [{"start": at(1)}]},
        {"ranges": [{"start": "2026-03-01T00:00:00", "end": at(2)}]},
        {"ranges": [{"start": at(1), "end": at(2)}] * 501},
        {"ranges": [], "extra": True},
    ],
)
async def test_bad_ranges_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert (await client.post("/events/overlapping", json=body)).status_code == 422


async def test_by_tag_pages_each_request(client: httpx.AsyncClient) -> None:
    red = await make_tag(client, name="red")
    blue = await make_tag(client, name="blue")
    reds = [
        (await make_event(client, starts_at=at(d), ends_at=at(d), tag_ids=[red["id"]]))["id"]
        for d in (5, 1, 3)
    ]
    both = await make_event(client, starts_at=at(2), ends_at=at(2), tag_ids=[red["id"], blue["id"]])
    requests = [{"tag_id": red["id"], "first": 2}, {"tag_id": blue["id"]}, {"tag_id": 999}]
    body: dict[str, Any] = {"requests": requests}
    response = await client.post("/events/by-tag", json=body)
    assert response.status_code == 200
    red_page, blue_page, missing = response.json()["results"]
    assert [e["id"] for e in red_page["items"]] == [reds[1], both["id"]]
    assert red_page["total_count"] == 4
    assert red_page["has_next_page"] is True
    assert [e["id"] for e in blue_page["items"]] == [both["id"]]
    assert [t["name"] for t in blue_page["items"][0]["tags"]] == ["blue", "red"]
    assert missing == {
        "items": [],
        "cursors": [],
        "total_count": 0,
        "has_next_page": False,
        "end_cursor": None,
    }

    cursor = red_page["end_cursor"]
    body = {
        "requests": [
            {"tag_id": red["id"], "first": 2, "after": cursor},
            {"tag_id": red["id"], "first": 1},
            {"tag_id": red["id"], "first": 2, "after": cursor},
        ]
    }
    second, again_first, duplicate = (await client.post("/events/by-tag", json=body)).json()[
        "results"
    ]
    assert [e["id"] for e in second["items"]] == [reds[2], reds[0]]
    assert second["has_next_page"] is False
    assert [e["id"] for e in again_first["items"]] == [reds[1]]
    assert duplicate == second


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"tag_id": 1, "first": 0}, "requests.0.first"),
        ({"tag_id": 1, "first": 101}, "requests.0.first"),
        ({"tag_id": 1, "after": "%%%"}, "requests.0.after"),
        ({"tag_id": 0}, "requests.0.tag_id"),
    ],
)
async def test_bad_by_tag_requests_are_422(
    client: httpx.AsyncClient, request_: dict[str, Any], field: str
) -> None:
    response = await client.post("/events/by-tag", json={"requests": [request_]})
    assert response.status_code == 422
    assert response.json()["field"] == field
