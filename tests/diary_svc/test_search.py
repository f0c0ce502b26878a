"""`POST /entries/search`: the entries list with its filters in a JSON body, under the same rules
(one model) as `GET /entries` with them in the query string."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.diary_svc.conftest import make_entry
from tests.support.service_app import listed_both_ways, refused_both_ways


async def both_ways(client: httpx.AsyncClient, filters: dict[str, Any]) -> httpx.Response:
    """The search's answer (the same as the list's to the same filters)."""
    return await listed_both_ways(client, "/entries", filters)


async def test_the_body_filters_and_pages_like_the_query_string(client: httpx.AsyncClient) -> None:
    wanted = [
        (await make_entry(client, date=f"2026-03-0{day}", mood="CALM", tag_ids=[7]))["id"]
        for day in (2, 3, 4)
    ]
    await make_entry(client, date="2026-03-05", mood="SAD", tag_ids=[7])
    await make_entry(client, date="2026-03-06", mood="CALM")
    await make_entry(client, date="2026-05-01", mood="CALM", tag_ids=[7])
    filters: dict[str, Any] = {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "mood": "CALM",
        "tag_id": 7,
        "first": 2,
    }
    first = (await both_ways(client, filters)).json()
    rest = (await both_ways(client, {**filters, "after": first["end_cursor"]})).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == wanted
    assert (first["total_count"], first["has_next_page"], rest["has_next_page"]) == (3, True, False)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"after": "x" * 513}, "after"),
        ({"after": "not-a-cursor"}, "after"),
        ({"first": 0}, "first"),
        ({"mood": "GLAD"}, "mood"),
        ({"tag_id": 0}, "tag_id"),
        ({"from": "2026-3-1"}, "from"),
        ({"unknown": "1"}, "unknown"),
    ],
)
async def test_both_refuse_the_same_input_naming_the_field(
    client: httpx.AsyncClient, filters: dict[str, Any], field: str
) -> None:
    assert await refused_both_ways(client, "/entries", filters) == field


async def test_a_date_is_text_in_the_body_never_a_number(client: httpx.AsyncClient) -> None:
    response = await client.post("/entries/search", json={"from": 1700000000})
    assert (response.status_code, response.json()["field"]) == (422, "from")
