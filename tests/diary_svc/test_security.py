"""Internal credential, owner isolation and byte-exact Unicode round trips."""

from __future__ import annotations

import unicodedata
from typing import Any

import httpx
import pytest

from tests.diary_svc.conftest import count_entries, make_entry
from tests.support.service_app import OWNER_A, OWNER_B, TOKEN, headers_for

ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/entries", {"date": "2026-01-01", "content": "x"}),
    ("GET", "/entries", None),
    ("GET", "/entries/{id}", None),
    ("PATCH", "/entries/{id}", {"content": "changed"}),
    ("DELETE", "/entries/{id}", None),
    ("POST", "/entries/batch", {"ids": [1]}),
    ("POST", "/entries/by-date-range", {"ranges": [{"start": "2026-01-01", "end": "2026-12-31"}]}),
    ("POST", "/entries/by-tag", {"requests": [{"tag_id": 1}]}),
    ("POST", "/entries/search", {"mood": "CALM"}),
    ("DELETE", "/tags/1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x", TOKEN[:-1]])
async def test_missing_or_wrong_credential_is_401_and_does_nothing(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    token: str | None,
) -> None:
    entry = await make_entry(client, tag_ids=[1])
    headers = headers_for(OWNER_A, token=token)
    # The client's default headers carry the right token; replace it, or drop it for `None`.
    request = client.build_request(method, path.format(id=entry["id"]), json=body)
    request.headers.pop("X-Internal-Token")
    request.headers.update(headers)

    response = await client.send(request)

    assert response.status_code == 401
    assert response.json() == {
        "code": "UNAUTHENTICATED",
        "message": "Missing or wrong internal credential",
        "field": None,
    }
    assert await count_entries(client) == 1
    assert (await client.get(f"/entries/{entry['id']}")).json() == entry


@pytest.mark.parametrize("user_id", [None, "", "0", "-1", "abc", "1.5", "9" * 19])
async def test_a_missing_or_malformed_user_id_is_refused(
    client: httpx.AsyncClient, user_id: str | None
) -> None:
    request = client.build_request("POST", "/entries", json={"date": "2026-01-01", "content": "x"})
    request.headers.pop("X-User-Id")
    if user_id is not None:
        request.headers["X-User-Id"] = user_id

    response = await client.send(request)

    assert response.status_code == 422
    assert response.json()["field"] == "x-user-id"
    assert await count_entries(client) == 0


async def test_health_needs_no_credential(client: httpx.AsyncClient) -> None:
    alive = await client.get("/health", headers={"X-Internal-Token": ""})
    ready = await client.get("/health/ready", headers={"X-Internal-Token": ""})

    assert alive.status_code == 200
    assert alive.json()["service"] == "diary_svc"
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}


async def test_another_owner_cannot_see_change_or_delete_an_entry(
    client: httpx.AsyncClient,
) -> None:
    entry = await make_entry(client, date="2026-07-01", mood="HAPPY", tag_ids=[3])
    b = headers_for(OWNER_B)
    path = f"/entries/{entry['id']}"

    assert (await client.get(path, headers=b)).status_code == 404
    assert (await client.patch(path, json={"content": "mine"}, headers=b)).status_code == 404
    assert (await client.delete(path, headers=b)).status_code == 404
    listed = (await client.get("/entries", headers=b)).json()
    assert listed == {
        "items": [],
        "cursors": [],
        "total_count": 0,
        "has_next_page": False,
        "end_cursor": None,
    }
    for params in ({"tag_id": 3}, {"mood": "HAPPY"}, {"from": "2026-07-01", "to": "2026-07-01"}):
        assert (await client.get("/entries", params=params, headers=b)).json()["items"] == []
    batch = await client.post("/entries/batch", json={"ids": [entry["id"]]}, headers=b)
    assert batch.json() == {"items": [None]}
    ranges = {"ranges": [{"start": "2026-07-01", "end": "2026-07-01"}]}
    assert (await client.post("/entries/by-date-range", json=ranges, headers=b)).json() == {
        "results": [[]]
    }
    by_tag = await client.post("/entries/by-tag", json={"requests": [{"tag_id": 3}]}, headers=b)
    assert by_tag.json()["results"][0]["total_count"] == 0
    assert (await client.delete("/tags/3", headers=b)).status_code == 204

    assert (await client.get(path)).json() == entry


async def test_a_cursor_from_one_owner_shows_another_nothing_of_the_first(
    client: httpx.AsyncClient,
) -> None:
    await make_entry(client, date="2026-01-01")
    await make_entry(client, date="2026-01-02")
    cursor = (await client.get("/entries", params={"first": 1})).json()["end_cursor"]
    mine = await make_entry(client, date="2026-01-03", owner_id=OWNER_B)

    page = await client.get("/entries", params={"after": cursor}, headers=headers_for(OWNER_B))

    assert [e["id"] for e in page.json()["items"]] == [mine["id"]]


TEXTS = [
    "오늘은 맑음 ☀️ 운명나침반",
    "👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 tone",
    "e\u0301 vs \u00e9, 한\u1100\u1161 jamo, a\u0308\u0323",
    "\u200d\u200b zero width \ufeff bom",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010fffd",
    "%_\\ like wildcards ' \" <script>",
]


@pytest.mark.parametrize("text", TEXTS)
async def test_unicode_round_trips_byte_for_byte(client: httpx.AsyncClient, text: str) -> None:
    created = await make_entry(client, title=text[:200], content=text)
    assert created["content"].encode() == text.encode()

    fetched = await client.get(f"/entries/{created['id']}")
    listed = await client.get("/entries")

    for body in (fetched.json(), listed.json()["items"][0]):
        assert body["content"].encode("utf-8") == text.encode("utf-8")
        assert body["title"].encode("utf-8") == text[:200].encode("utf-8")
    # Nothing was normalised on the way: NFC would change the combining-mark cases.
    assert fetched.json()["content"] == text
    if unicodedata.normalize("NFC", text) != text:
        assert fetched.json()["content"] != unicodedata.normalize("NFC", text)


async def test_unpaired_surrogates_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/entries",
        content=b'{"date": "2026-01-01", "content": "\\ud800"}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "content"
    assert await count_entries(client) == 0
