"""Every diary entry route doing its job: create, read, update, delete and the list."""

from __future__ import annotations

import httpx

from tests.diary_svc.conftest import count_entries, make_entry
from tests.support.service_app import OWNER_B, headers_for


async def test_create_returns_the_entry_with_utc_timestamps(client: httpx.AsyncClient) -> None:
    entry = await make_entry(
        client, title="Spring", mood="HAPPY", weather="PARTLY_CLOUDY", tag_ids=[7, 3, 7]
    )

    assert entry["date"] == "2026-03-01"
    assert entry["title"] == "Spring"
    assert entry["content"] == "A quiet day."
    assert (entry["mood"], entry["weather"]) == ("HAPPY", "PARTLY_CLOUDY")
    assert entry["tag_ids"] == [3, 7]
    assert entry["created_at"].endswith("+00:00") or entry["created_at"].endswith("Z")
    assert entry["created_at"] == entry["updated_at"]
    fetched = await client.get(f"/entries/{entry['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == entry


async def test_optional_fields_default_to_null_and_no_tags(client: httpx.AsyncClient) -> None:
    response = await client.post("/entries", json={"date": "2026-01-02", "content": "x"})

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["mood"], body["weather"], body["tag_ids"]) == (None, None, None, [])


async def test_patch_changes_only_the_given_fields(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client, mood="SAD", weather="RAINY", tag_ids=[1, 2])

    response = await client.patch(f"/entries/{entry['id']}", json={"content": "Better now."})

    assert response.status_code == 200
    body = response.json()
    assert body["content"] == "Better now."
    assert (body["title"], body["mood"], body["weather"]) == (
        entry["title"],
        "SAD",
        "RAINY",
    )
    assert body["tag_ids"] == [1, 2]
    assert body["updated_at"] > entry["updated_at"]
    assert body["created_at"] == entry["created_at"]


async def test_patch_null_clears_title_mood_weather_and_tag_ids_replace(
    client: httpx.AsyncClient,
) -> None:
    entry = await make_entry(client, mood="SAD", weather="RAINY", tag_ids=[1, 2])

    response = await client.patch(
        f"/entries/{entry['id']}",
        json={
            "title": None,
            "mood": None,
            "weather": None,
            "tag_ids": [9, 2],
            "date": "2025-12-31",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["mood"], body["weather"]) == (None, None, None)
    assert body["tag_ids"] == [2, 9]
    assert body["date"] == "2025-12-31"
    assert (await client.get(f"/entries/{entry['id']}")).json() == body


async def test_patch_null_for_a_required_field_is_refused(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client)

    for field in ("content", "date", "tag_ids"):
        response = await client.patch(f"/entries/{entry['id']}", json={field: None})
        assert response.status_code == 422, field
        assert response.json()["field"] == field
    assert (await client.get(f"/entries/{entry['id']}")).json() == entry


async def test_delete_removes_the_entry_and_then_404s(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client, tag_ids=[5])

    first = await client.delete(f"/entries/{entry['id']}")
    again = await client.delete(f"/entries/{entry['id']}")

    assert first.status_code == 204
    assert first.content == b""
    assert again.status_code == 404
    assert again.json() == {"code": "NOT_FOUND", "message": "Entry not found", "field": None}
    assert (await client.get(f"/entries/{entry['id']}")).status_code == 404
    by_tag = await client.post("/entries/by-tag", json={"requests": [{"tag_id": 5}]})
    assert by_tag.json()["results"][0]["total_count"] == 0


async def test_missing_entry_is_404_on_every_route(client: httpx.AsyncClient) -> None:
    assert (await client.get("/entries/999")).status_code == 404
    assert (await client.patch("/entries/999", json={"content": "x"})).status_code == 404
    assert (await client.delete("/entries/999")).status_code == 404
    assert await count_entries(client) == 0


async def test_list_orders_by_date_then_id_and_filters(client: httpx.AsyncClient) -> None:
    late = await make_entry(client, date="2026-03-05", mood="CALM", tag_ids=[1])
    early = await make_entry(client, date="2026-03-01", mood="HAPPY", tag_ids=[1, 2])
    same_day = await make_entry(client, date="2026-03-01", mood="CALM")
    edge = await make_entry(client, date="2026-03-10", weather="SNOWY", tag_ids=[2])

    async def ids(**params: str | int) -> list[int]:
        response = await client.get("/entries", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total_count"] == len(page["items"])
        return [item["id"] for item in page["items"]]

    assert await ids() == [early["id"], same_day["id"], late["id"], edge["id"]]
    assert await ids(**{"from": "2026-03-05", "to": "2026-03-10"}) == [late["id"], edge["id"]]
    assert await ids(**{"from": "2026-03-02", "to": "2026-03-09"}) == [late["id"]]
    assert await ids(to="2026-03-01") == [early["id"], same_day["id"]]
    assert await ids(mood="CALM") == [same_day["id"], late["id"]]
    assert await ids(tag_id=2) == [early["id"], edge["id"]]
    assert await ids(tag_id=1, mood="CALM") == [late["id"]]
    assert await ids(**{"from": "2026-03-11"}) == []


async def test_list_page_shape_and_first_bounds(client: httpx.AsyncClient) -> None:
    for day in range(1, 4):
        await make_entry(client, date=f"2026-04-0{day}")

    page = (await client.get("/entries", params={"first": 2})).json()

    assert page["total_count"] == 3
    assert page["has_next_page"] is True
    assert len(page["items"]) == 2
    assert isinstance(page["end_cursor"], str)
    assert (await client.get("/entries", params={"first": 100})).status_code == 200
    for bad in (0, 101, -1):
        response = await client.get("/entries", params={"first": bad})
        assert response.status_code == 422
        assert response.json()["field"] == "first"


async def test_list_refuses_a_bad_cursor(client: httpx.AsyncClient) -> None:
    for bad in ("nope", "bm90IGpzb24", "WyIyMDI2LTEzLTQwIiwxXQ", "WyJ4IiwxXQ"):
        response = await client.get("/entries", params={"after": bad})
        assert response.status_code == 422, bad
        assert response.json() == {
            "code": "VALIDATION_FAILED",
            "message": "Invalid cursor",
            "field": "after",
        }


async def test_delete_tag_removes_that_tag_id_from_the_owners_entries(
    client: httpx.AsyncClient,
) -> None:
    tagged = await make_entry(client, tag_ids=[1, 2])
    other = await make_entry(client, tag_ids=[2])
    theirs = await make_entry(client, tag_ids=[1], owner_id=OWNER_B)

    response = await client.delete("/tags/1")

    assert response.status_code == 204
    after = (await client.post("/entries/batch", json={"ids": [tagged["id"], other["id"]]})).json()
    assert [e["tag_ids"] for e in after["items"]] == [[2], [2]]
    assert after["items"][0]["updated_at"] > tagged["updated_at"]
    assert after["items"][1]["updated_at"] == other["updated_at"]
    theirs_now = await client.get(f"/entries/{theirs['id']}", headers=headers_for(OWNER_B))
    assert theirs_now.json()["tag_ids"] == [1]
    assert (await client.delete("/tags/424242")).status_code == 204
