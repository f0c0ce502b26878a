"""Events over HTTP: create, read, partial update, delete, and every validation edge."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.calendar_svc.conftest import make_event, make_tag

START = "2026-03-01T10:00:00+00:00"


async def event_count(client: httpx.AsyncClient) -> int:
    """How many events owner A has."""
    count: int = (await client.get("/events")).json()["total_count"]
    return count


async def test_create_read_update_delete(client: httpx.AsyncClient) -> None:
    tag = await make_tag(client, name="Work")
    created = await make_event(
        client,
        title="  Standup  ",
        description="Daily",
        location="Room 1",
        starts_at="2026-03-01T19:00:00+09:00",
        ends_at="2026-03-01T19:30:00+09:00",
        all_day=False,
        tag_ids=[tag["id"]],
    )
    assert created["title"] == "Standup"
    assert created["starts_at"] == "2026-03-01T10:00:00Z"
    assert created["ends_at"] == "2026-03-01T10:30:00Z"
    assert created["tags"] == [tag]
    assert (await client.get(f"/events/{created['id']}")).json() == created

    patched = await client.patch(
        f"/events/{created['id']}", json={"description": None, "all_day": True, "tag_ids": []}
    )
    assert patched.status_code == 200
    body = patched.json()
    assert body["description"] is None
    assert body["location"] == "Room 1"
    assert body["all_day"] is True
    assert body["tags"] == []
    assert body["title"] == "Standup"
    assert body["updated_at"] > created["updated_at"]
    assert body["created_at"] == created["created_at"]

    assert (await client.delete(f"/events/{created['id']}")).status_code == 204
    assert (await client.get(f"/events/{created['id']}")).status_code == 404
    assert (await client.delete(f"/events/{created['id']}")).status_code == 404
    assert (await client.patch(f"/events/{created['id']}", json={})).status_code == 404


async def test_tags_are_embedded_ordered_by_name_and_deduplicated(
    client: httpx.AsyncClient,
) -> None:
    b = await make_tag(client, name="beta")
    a = await make_tag(client, name="Alpha")
    event = await make_event(client, tag_ids=[b["id"], a["id"], b["id"]])
    assert [t["name"] for t in event["tags"]] == ["Alpha", "beta"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"title": " \t\n "}, "title"),
        ({"description": "d" * 5001}, "description"),
        ({"location": "l" * 301}, "location"),
        ({"ends_at": "2026-03-01T09:59:59.999999+00:00"}, "ends_at"),
        ({"ends_at": "2027-03-02T10:00:01+00:00"}, "ends_at"),
        ({"starts_at": "2026-03-01T10:00:00"}, "starts_at"),
        ({"ends_at": "2026-03-01T11:00:00"}, "ends_at"),
        ({"starts_at": "not a date"}, "starts_at"),
        ({"title": 7}, "title"),
        ({"all_day": "sometimes"}, "all_day"),
        ({"tag_ids": "1"}, "tag_ids"),
        ({"tag_ids": [0]}, "tag_ids.0"),
        ({"tag_ids": list(range(1, 52))}, "tag_ids"),
        ({"colour": "red"}, "colour"),
        ({"title": "bad\x00title"}, "title"),
        ({"starts_at": "0001-01-01T00:00:00+01:00"}, "starts_at"),
    ],
)
async def test_invalid_event_is_422_and_not_written(
    client: httpx.AsyncClient, overrides: dict[str, Any], field: str | None
) -> None:
    body: dict[str, Any] = {"title": "t", "starts_at": START, "ends_at": START}
    body.update(overrides)
    response = await client.post("/events", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert response.json()["field"] == field
    assert await event_count(client) == 0


async def test_edges_that_are_accepted(client: httpx.AsyncClient) -> None:
    event = await make_event(
        client,
        title="가" * 200,
        description="d" * 5000,
        location="l" * 300,
        starts_at=START,
        ends_at="2027-03-02T10:00:00+00:00",  # exactly 366 days
    )
    assert len(event["title"]) == 200
    zero = await make_event(client, title=" " + "t" * 200 + " ", ends_at=START)
    assert zero["title"] == "t" * 200
    assert zero["starts_at"] == zero["ends_at"]


async def test_unknown_or_foreign_tag_is_refused_and_nothing_written(
    client: httpx.AsyncClient,
) -> None:
    mine = await make_tag(client)
    theirs = await make_tag(client, owner_id=2)
    for tag_ids in ([theirs["id"]], [mine["id"], 12345]):
        body = {"title": "t", "starts_at": START, "ends_at": START, "tag_ids": tag_ids}
        response = await client.post("/events", json=body)
        assert response.status_code == 422
        assert response.json()["code"] == "UNKNOWN_TAG"
        assert response.json()["field"] == "tag_ids"
    assert await event_count(client) == 0

    event = await make_event(client, tag_ids=[mine["id"]])
    refused = await client.patch(
        f"/events/{event['id']}", json={"title": "changed", "tag_ids": [theirs["id"]]}
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "UNKNOWN_TAG"
    assert (await client.get(f"/events/{event['id']}")).json() == event


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"ends_at": "2026-03-01T09:00:00+00:00"}, "ends_at"),
        ({"starts_at": "2026-03-01T12:00:00+00:00"}, "ends_at"),
        ({"ends_at": "2027-03-02T10:00:01+00:00"}, "ends_at"),
        ({"title": None}, "title"),
        ({"starts_at": None}, "starts_at"),
        ({"tag_ids": None}, "tag_ids"),
        ({"title": "x" * 201}, "title"),
        ({"unknown": 1}, "unknown"),
    ],
)
async def test_invalid_patch_is_422_and_changes_nothing(
    client: httpx.AsyncClient, patch: dict[str, Any], field: str | None
) -> None:
    event = await make_event(client)
    response = await client.patch(f"/events/{event['id']}", json=patch)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert (await client.get(f"/events/{event['id']}")).json() == event


async def test_patch_moves_both_times_together(client: httpx.AsyncClient) -> None:
    event = await make_event(client)
    moved = await client.patch(
        f"/events/{event['id']}",
        json={"starts_at": "2026-04-01T10:00:00+02:00", "ends_at": "2026-04-01T12:00:00+02:00"},
    )
    assert moved.status_code == 200
    assert moved.json()["starts_at"] == "2026-04-01T08:00:00Z"
    assert moved.json()["ends_at"] == "2026-04-01T10:00:00Z"


async def test_unicode_round_trips_byte_for_byte(client: httpx.AsyncClient) -> None:
    title = "운명나침반 🧭 회의 👨‍👩‍👧"
    # Combining accents and conjoining jamo must not be normalised (NFC) on the way through.
    description = "e\u0301 n\u0303 \u1100\u1161\u11a8 한글 ✨ 🇰🇷"
    location = "서울 ☕ café vs cafe\u0301"
    tag = await make_tag(client, name="가족 👨‍👩‍👧")
    event = await make_event(
        client, title=title, description=description, location=location, tag_ids=[tag["id"]]
    )
    for fetched in (
        (await client.get(f"/events/{event['id']}")).json(),
        (await client.get("/events", params={"search": "나침반"})).json()["items"][0],
    ):
        assert fetched["title"].encode() == title.encode()
        assert fetched["description"].encode() == description.encode()
        assert fetched["location"].encode() == location.encode()
        assert fetched["tags"][0]["name"].encode() == "가족 👨‍👩‍👧".encode()
