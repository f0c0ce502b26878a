"""Every diary validation rule at its edge, and refusals that write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.diary_svc.conftest import MAX_BODY_BYTES, count_entries, make_entry


def _one_year_after(today: dt.date) -> dt.date:
    """Today plus one calendar year (Feb 29 → Feb 28), the last date an entry may carry."""
    if today.month == 2 and today.day == 29:
        return dt.date(today.year + 1, 2, 28)
    return dt.date(today.year + 1, today.month, today.day)


async def _refused(
    client: httpx.AsyncClient, body: dict[str, Any], *, field: str | None
) -> dict[str, Any]:
    """Post an entry that must be refused with 422 naming `field`; nothing may be written."""
    before = await count_entries(client)
    response = await client.post("/entries", json=body)
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()
    assert error["code"] == "VALIDATION_FAILED"
    assert error["field"] == field
    assert await count_entries(client) == before
    return error


async def test_content_of_20000_chars_is_kept_and_20001_refused(
    client: httpx.AsyncClient,
) -> None:
    entry = await make_entry(client, content="가" * 20_000)
    assert len(entry["content"]) == 20_000

    await _refused(client, {"date": "2026-01-01", "content": "가" * 20_001}, field="content")


@pytest.mark.parametrize("content", ["", " ", "\n\t  ", "\u3000"])
async def test_empty_or_blank_content_is_refused(client: httpx.AsyncClient, content: str) -> None:
    await _refused(client, {"date": "2026-01-01", "content": content}, field="content")


async def test_content_is_required(client: httpx.AsyncClient) -> None:
    await _refused(client, {"date": "2026-01-01"}, field="content")


async def test_title_of_200_chars_is_kept_and_201_refused(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client, title="t" * 200)
    assert entry["title"] == "t" * 200

    await _refused(
        client, {"date": "2026-01-01", "content": "x", "title": "t" * 201}, field="title"
    )


async def test_text_with_nul_characters_is_refused(client: httpx.AsyncClient) -> None:
    await _refused(client, {"date": "2026-01-01", "content": "a\x00b"}, field="content")
    await _refused(client, {"date": "2026-01-01", "content": "x", "title": "\x00"}, field="title")


async def test_dates_at_the_edges_of_the_allowed_range(client: httpx.AsyncClient) -> None:
    latest = _one_year_after(dt.datetime.now(dt.UTC).date())

    assert (await make_entry(client, date="1900-01-01"))["date"] == "1900-01-01"
    assert (await make_entry(client, date=latest.isoformat()))["date"] == latest.isoformat()
    await _refused(client, {"date": "1899-12-31", "content": "x"}, field="date")
    too_late = (latest + dt.timedelta(days=1)).isoformat()
    await _refused(client, {"date": too_late, "content": "x"}, field="date")


@pytest.mark.parametrize("date", ["2026-02-30", "2026/01/01", "yesterday", 20260101, None, ""])
async def test_malformed_dates_are_refused(client: httpx.AsyncClient, date: object) -> None:
    await _refused(client, {"date": date, "content": "x"}, field="date")


async def test_update_applies_the_same_rules(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"content": "x" * 20_001}, "content"),
        ({"content": "   "}, "content"),
        ({"title": "t" * 201}, "title"),
        ({"date": "1899-12-31"}, "date"),
        ({"mood": "GLOOMY"}, "mood"),
        ({"tag_ids": list(range(1, 52))}, "tag_ids"),
    ]
    for body, field in cases:
        response = await client.patch(f"/entries/{entry['id']}", json=body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    assert (await client.get(f"/entries/{entry['id']}")).json() == entry


async def test_50_tag_ids_are_kept_and_51_refused(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client, tag_ids=list(range(50, 0, -1)))
    assert entry["tag_ids"] == list(range(1, 51))

    await _refused(
        client,
        {"date": "2026-01-01", "content": "x", "tag_ids": list(range(1, 52))},
        field="tag_ids",
    )


@pytest.mark.parametrize("tag_id", [0, -1, "3", 1.5, True, None, 2**63])
async def test_tag_ids_must_be_positive_integers(client: httpx.AsyncClient, tag_id: object) -> None:
    error = await _refused(
        client, {"date": "2026-01-01", "content": "x", "tag_ids": [tag_id]}, field="tag_ids.0"
    )
    assert error["message"]


async def test_every_mood_and_weather_is_accepted(client: httpx.AsyncClient) -> None:
    moods = ["JOYFUL", "HAPPY", "CALM", "NEUTRAL", "TIRED", "SAD", "ANXIOUS", "ANGRY"]
    weathers = ["SUNNY", "PARTLY_CLOUDY", "CLOUDY", "RAINY", "STORMY", "SNOWY", "FOGGY", "WINDY"]
    for mood, weather in zip(moods, weathers, strict=True):
        entry = await make_entry(client, mood=mood, weather=weather)
        assert (entry["mood"], entry["weather"]) == (mood, weather)


@pytest.mark.parametrize(
    ("field", "value"), [("mood", "happy"), ("mood", "GLOOMY"), ("weather", "HAIL"), ("mood", 1)]
)
async def test_unknown_enum_values_are_refused(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    await _refused(client, {"date": "2026-01-01", "content": "x", field: value}, field=field)


async def test_wrong_types_and_unknown_fields_are_422(client: httpx.AsyncClient) -> None:
    await _refused(client, {"date": "2026-01-01", "content": 5}, field="content")
    await _refused(client, {"date": "2026-01-01", "content": "x", "title": ["a"]}, field="title")
    await _refused(client, {"date": "2026-01-01", "content": "x", "owner_id": 2}, field="owner_id")
    await _refused(client, {"date": "2026-01-01", "content": "x", "tag_ids": 3}, field="tag_ids")


async def test_a_json_body_that_is_not_an_object_is_422(client: httpx.AsyncClient) -> None:
    bodies: list[object] = [[], "text", 3, None]
    for body in bodies:
        response = await client.post("/entries", json=body)
        assert response.status_code == 422, body
    assert await count_entries(client) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/entries"),
        ("PATCH", "/entries/{id}"),
        ("POST", "/entries/batch"),
        ("POST", "/entries/by-date-range"),
        ("POST", "/entries/by-tag"),
    ],
)
async def test_malformed_json_is_400_and_writes_nothing(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    entry = await make_entry(client)

    response = await client.request(
        method,
        path.format(id=entry["id"]),
        content=b'{"date": "2026-01-01", "content": ',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "BAD_REQUEST",
        "message": "Body is not valid JSON",
        "field": None,
    }
    assert (await client.get(f"/entries/{entry['id']}")).json() == entry


async def test_an_oversized_body_is_413_and_writes_nothing(client: httpx.AsyncClient) -> None:
    body = {"date": "2026-01-01", "content": "x", "title": "y" * MAX_BODY_BYTES}

    response = await client.post("/entries", json=body)

    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert await count_entries(client) == 0


async def test_an_oversized_streamed_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> Any:
        yield b'{"date": "2026-01-01", "content": "'
        for _ in range(MAX_BODY_BYTES // 4096 + 1):
            yield b"z" * 4096
        yield b'"}'

    response = await client.post(
        "/entries", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert await count_entries(client) == 0


@pytest.mark.parametrize("path", ["/entries/0", "/entries/-3", "/entries/abc", "/tags/0"])
async def test_non_positive_or_non_numeric_ids_in_paths_are_422(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.delete(path)

    assert response.status_code == 422
    assert response.json()["field"] in ("entry_id", "tag_id")


async def test_list_query_parameters_are_validated(client: httpx.AsyncClient) -> None:
    cases = [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "soon"}, "to"),
        ({"mood": "MEH"}, "mood"),
        ({"tag_id": "0"}, "tag_id"),
        ({"first": "ten"}, "first"),
    ]
    for params, field in cases:
        response = await client.get("/entries", params=params)
        assert response.status_code == 422, params
        assert response.json()["field"] == field
