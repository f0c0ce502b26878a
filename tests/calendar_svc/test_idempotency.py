"""Keyed writes run once: the same `Idempotency-Key` replays, another request with it is refused."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.service_app import OWNER_B, headers_for


async def test_a_keyed_create_runs_once(client: httpx.AsyncClient) -> None:
    body = {"name": "once", "color": "#112233"}
    headers = {"Idempotency-Key": "k-1"}
    first, second = [await client.post("/tags", json=body, headers=headers) for _ in range(2)]
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len((await client.get("/tags")).json()["items"]) == 1


async def test_concurrent_keyed_creates_run_once(client: httpx.AsyncClient) -> None:
    body = {
        "title": "once",
        "starts_at": "2026-03-01T10:00:00+00:00",
        "ends_at": "2026-03-01T11:00:00+00:00",
    }
    responses = await asyncio.gather(
        *(client.post("/events", json=body, headers={"Idempotency-Key": "burst"}) for _ in range(6))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert (await client.get("/events")).json()["total_count"] == 1


async def test_a_key_reused_for_another_request_is_refused(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "k-2"}
    await client.post("/tags", json={"name": "a", "color": "#112233"}, headers=headers)
    refused = await client.post("/tags", json={"name": "b", "color": "#112233"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["field"] == "Idempotency-Key"


async def test_a_keyed_delete_replays_its_success(client: httpx.AsyncClient) -> None:
    tag = (await client.post("/tags", json={"name": "gone", "color": "#112233"})).json()
    headers = {"Idempotency-Key": "del-1"}
    first, again = [await client.delete(f"/tags/{tag['id']}", headers=headers) for _ in range(2)]
    assert first.status_code == again.status_code == 204
    unkeyed = await client.delete(f"/tags/{tag['id']}")
    assert unkeyed.status_code == 404


async def test_keys_are_scoped_to_the_owner(client: httpx.AsyncClient) -> None:
    body = {"name": "mine", "color": "#112233"}
    await client.post("/tags", json=body, headers={"Idempotency-Key": "same"})
    other = await client.post(
        "/tags", json=body, headers={**headers_for(OWNER_B), "Idempotency-Key": "same"}
    )
    assert other.status_code == 201


async def test_a_failed_write_keeps_no_key(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "k-3"}
    bad = await client.patch("/tags/999", json={"name": "x"}, headers=headers)
    assert bad.status_code == 404
    tag = (await client.post("/tags", json={"name": "x0", "color": "#112233"})).json()
    retried = await client.patch(f"/tags/{tag['id']}", json={"name": "x"}, headers=headers)
    assert retried.status_code == 200  # the refused write left the key unused
