"""`POST /events/search`: the events list with its filters in a JSON body, under the same rules
(one model) as `GET /events` with them in the query string."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.calendar_svc.conftest import make_event, make_tag
from tests.support.service_app import listed_both_ways, refused_both_ways

SEARCH = "걷기" * 100  # 200 characters, the longest search allowed


async def both_ways(client: httpx.AsyncClient, filters: dict[str, Any]) -> httpx.Response:
    """The search's answer (the same as the list's to the same filters)."""
    return await listed_both_ways(client, "/events", filters)


async def test_the_body_filters_and_pages_like_the_query_string(client: httpx.AsyncClient) -> None:
    tag = await make_tag(client)
    march: dict[str, Any] = {
        "starts_at": "2026-03-02T09:00:00+00:00",
        "ends_at": "2026-03-02T10:00:00+00:00",
    }
    wanted = [
        (await make_event(client, title=SEARCH, tag_ids=[tag["id"]], **march))["id"]
        for _ in range(3)
    ]
    await make_event(client, title=SEARCH, **march)  # untagged
    await make_event(client, title="other", tag_ids=[tag["id"]], **march)
    filters: dict[str, Any] = {
        "from": "2026-03-01T00:00:00Z",
        "to": "2026-04-01T00:00:00+09:00",
        "tag_id": tag["id"],
        "search": SEARCH,
        "first": 2,
    }
    first = (await both_ways(client, filters)).json()
    rest = (await both_ways(client, {**filters, "after": first["end_cursor"]})).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == wanted
    assert (first["total_count"], first["has_next_page"], rest["has_next_page"]) == (3, True, False)


async def test_an_empty_body_is_the_first_page_of_everything(client: httpx.AsyncClient) -> None:
    for _ in range(21):
        await make_event(client)
    page = (await both_ways(client, {})).json()
    assert (len(page["items"]), page["total_count"]) == (20, 21)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"search": SEARCH + "x"}, "search"),
        ({"search": "nul\x00"}, "search"),
        ({"after": "x" * 513}, "after"),
        ({"after": "not-a-cursor"}, "after"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"tag_id": 0}, "tag_id"),
        ({"from": "2026-03-01T00:00:00"}, "from"),  # no offset
        ({"unknown": "1"}, "unknown"),
    ],
)
async def test_both_refuse_the_same_input_naming_the_field(
    client: httpx.AsyncClient, filters: dict[str, Any], field: str
) -> None:
    assert await refused_both_ways(client, "/events", filters) == field


async def test_a_body_that_is_not_an_object_of_filters_is_refused(
    client: httpx.AsyncClient,
) -> None:
    headers = {"content-type": "application/json"}
    for raw in (b"null", b"[]", b'"x"', b'{"from": 1700000000}', b'{"search": "\\ud800"}'):
        response = await client.post("/events/search", content=raw, headers=headers)
        assert response.status_code == 422, raw
        assert response.json()["code"] == "VALIDATION_FAILED"
    malformed = await client.post("/events/search", content=b"{", headers=headers)
    assert (malformed.status_code, malformed.json()["code"]) == (400, "BAD_REQUEST")


async def test_a_filter_given_twice_in_the_query_string_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/events?search=a&search=b")
    assert response.status_code == 422
    assert response.json()["field"] == "search"
    assert (await client.get("/events?search=a&first=5")).status_code == 200
