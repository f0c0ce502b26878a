"""Internal trust and hostile input: credentials, owner isolation, malformed and big bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.calendar_svc.conftest import make_event, make_tag
from tests.support.service_app import OWNER_B, headers_for

START = "2026-03-01T10:00:00+00:00"
EVENT = {"title": "t", "starts_at": START, "ends_at": START}
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/tags", {"name": "n", "color": "#000000"}),
    ("GET", "/tags", None),
    ("GET", "/tags/1", None),
    ("PATCH", "/tags/1", {"name": "renamed"}),
    ("DELETE", "/tags/1", None),
    ("POST", "/tags/batch", {"ids": [1]}),
    ("POST", "/events", EVENT),
    ("GET", "/events", None),
    ("GET", "/events/1", None),
    ("PATCH", "/events/1", {"title": "renamed"}),
    ("DELETE", "/events/1", None),
    ("POST", "/events/batch", {"ids": [1]}),
    ("POST", "/events/overlapping", {"ranges": [{"start": START, "end": START}]}),
    ("POST", "/events/by-tag", {"requests": [{"tag_id": 1}]}),
    ("POST", "/events/search", {"search": "t"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
async def test_every_route_needs_the_internal_credential(
    client: httpx.AsyncClient,
    bare_client: httpx.AsyncClient,
    method: str,
    path: str,
    body: Any,
) -> None:
    tag = await make_tag(client, name="n0")
    event = await make_event(client, tag_ids=[tag["id"]])
    for token in (None, "", "wrong-token", "test-internal-token-0123456789abcdeF"):
        headers = headers_for(token=token)
        response = await bare_client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, token
        assert response.json()["code"] == "UNAUTHENTICATED"
    # Nothing was done: the data is exactly as before.
    assert (await client.get("/tags")).json()["items"] == [tag]
    assert (await client.get("/events")).json()["items"] == [event]


async def test_health_needs_no_credential(bare_client: httpx.AsyncClient) -> None:
    live = await bare_client.get("/health")
    assert live.status_code == 200
    assert live.json()["service"] == "calendar_svc"
    ready = await bare_client.get("/health/ready")
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.parametrize("user_id", [None, "", "0", "-1", "abc", "1.5", "1" * 19])
async def test_user_id_header_must_be_a_positive_integer(
    client: httpx.AsyncClient, bare_client: httpx.AsyncClient, user_id: str | None
) -> None:
    headers = {"X-Internal-Token": headers_for()["X-Internal-Token"]}
    if user_id is not None:
        headers["X-User-Id"] = user_id
    body = {"name": "n", "color": "#000000"}
    response = await bare_client.post("/tags", json=body, headers=headers)
    assert response.status_code == 422
    assert (await client.get("/tags")).json()["items"] == []


async def test_another_owner_sees_and_changes_nothing(client: httpx.AsyncClient) -> None:
    tag = await make_tag(client, name="private")
    event = await make_event(client, tag_ids=[tag["id"]])
    b = headers_for(OWNER_B)
    for path in (f"/events/{event['id']}", f"/tags/{tag['id']}"):
        assert (await client.get(path, headers=b)).status_code == 404
        assert (await client.patch(path, json={}, headers=b)).status_code == 404
        assert (await client.delete(path, headers=b)).status_code == 404
    batch = await client.post("/events/batch", json={"ids": [event["id"]]}, headers=b)
    assert batch.json() == {"items": [None]}
    tags = await client.post("/tags/batch", json={"ids": [tag["id"]]}, headers=b)
    assert tags.json() == {"items": [None]}
    assert (await client.get("/tags", headers=b)).json() == {"items": []}
    listed = (await client.get("/events", params={"tag_id": tag["id"]}, headers=b)).json()
    assert listed["items"] == [] and listed["total_count"] == 0
    ranges = {"ranges": [{"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}]}
    overlapping = await client.post("/events/overlapping", json=ranges, headers=b)
    assert overlapping.json() == {"results": [[]]}
    by_tag = await client.post(
        "/events/by-tag", json={"requests": [{"tag_id": tag["id"]}]}, headers=b
    )
    assert by_tag.json()["results"][0]["total_count"] == 0
    attach = await client.post("/events", json={**EVENT, "tag_ids": [tag["id"]]}, headers=b)
    assert attach.status_code == 422
    assert attach.json()["code"] == "UNKNOWN_TAG"
    assert (await client.get("/events", headers=b)).json()["total_count"] == 0
    # A's data is untouched by all of the above.
    assert (await client.get(f"/events/{event['id']}")).json() == event
    assert (await client.get(f"/tags/{tag['id']}")).json() == tag


@pytest.mark.parametrize(
    "raw", [b"{", b'{"title": "t",}', b"not json", b"\xff\xfe", b'{"title": "t"} trailing']
)
async def test_malformed_json_is_400_and_nothing_written(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    response = await client.post(
        "/events", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "BAD_REQUEST",
        "message": "Body is not valid JSON",
        "field": None,
    }
    assert (await client.get("/events")).json()["total_count"] == 0


@pytest.mark.parametrize("body", [[], "text", 5, None])
async def test_wrong_shapes_are_422(client: httpx.AsyncClient, body: Any) -> None:
    response = await client.post("/events", json=body)
    assert response.status_code == 422
    assert (await client.get("/events")).json()["total_count"] == 0


async def test_unpaired_surrogate_escape_is_422(client: httpx.AsyncClient) -> None:
    raw = f'{{"title": "\\ud800", "starts_at": "{START}", "ends_at": "{START}"}}'.encode()
    response = await client.post(
        "/events", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "title"
    assert (await client.get("/events")).json()["total_count"] == 0


async def test_oversized_body_is_413_and_nothing_written(client: httpx.AsyncClient) -> None:
    body = {**EVENT, "description": "x" * 70_000}
    response = await client.post("/events", json=body)
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"

    async def chunked() -> Any:  # no Content-Length: the limit applies while streaming
        for _ in range(20):
            yield b" " * 8192

    streamed = await client.post(
        "/events", content=chunked(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert (await client.get("/events")).json()["total_count"] == 0


async def test_unknown_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/events/1", json=EVENT)
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
