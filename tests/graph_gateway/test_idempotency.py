"""`Idempotency-Key` on mutations: retries and concurrent duplicates create exactly one object."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, error_codes, running_gateway
from tests.graph_gateway.test_images import PREFLIGHT, new_entry, upload
from tests.image_factory import png_bytes

CREATE_EVENT = (
    'mutation($t: String!) { createEvent(input: {title: $t, startsAt: "2026-03-10T10:00:00Z", '
    'endsAt: "2026-03-10T11:00:00Z"}) { id title } }'
)
COUNT = "{ events { totalCount } }"


async def keyed(
    gateway: Gateway, token: str, key: str, title: str = "Once"
) -> tuple[httpx.Response, dict[str, Any]]:
    """POST `createEvent` under an Idempotency-Key; the response and its body."""
    response = await gateway.http.post(
        "/graphql",
        json={"query": CREATE_EVENT, "variables": {"t": title}},
        headers={"authorization": f"Bearer {token}", "idempotency-key": key},
    )
    body: dict[str, Any] = response.json()
    return response, body


async def event_count(gateway: Gateway, token: str) -> int:
    count: int = (await gateway.ok(COUNT, token=token))["events"]["totalCount"]
    return count


async def test_a_retry_replays_the_first_answer(gateway: Gateway, token: str) -> None:
    first, body = await keyed(gateway, token, "key-1")
    again, replayed = await keyed(gateway, token, "key-1")
    assert "errors" not in body
    assert replayed == body and again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await event_count(gateway, token) == 1


async def test_a_key_with_another_request_is_refused(gateway: Gateway, token: str) -> None:
    await keyed(gateway, token, "key-2", title="first")
    _, body = await keyed(gateway, token, "key-2", title="second")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "Idempotency-Key"
    assert await event_count(gateway, token) == 1


async def test_keys_belong_to_one_user(gateway: Gateway, token: str) -> None:
    other = await gateway.sign_up()
    await keyed(gateway, token, "shared-key")
    _, body = await keyed(gateway, other, "shared-key")
    assert "errors" not in body
    assert await event_count(gateway, token) == 1 and await event_count(gateway, other) == 1


async def test_key_length_is_checked_at_its_edge(gateway: Gateway, token: str) -> None:
    _, longest = await keyed(gateway, token, "k" * 255)
    assert "errors" not in longest
    _, too_long = await keyed(gateway, token, "k" * 256)
    _, has_space = await keyed(gateway, token, "with space")
    for body in (too_long, has_space):
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["extensions"]["field"] == "Idempotency-Key"
    assert await event_count(gateway, token) == 1


async def test_concurrent_duplicates_run_once(gateway: Gateway, token: str) -> None:
    results = await asyncio.gather(*(keyed(gateway, token, "burst") for _ in range(8)))
    ids = {body["data"]["createEvent"]["id"] for _, body in results}
    assert len(ids) == 1
    assert await event_count(gateway, token) == 1


class LoseAnswers(httpx.AsyncBaseTransport):
    """Deliver writes to the real service but lose the next `count` answers (a timeout or a
    connection the service's crash broke): the write commits, the gateway never hears so."""

    def __init__(self, inner: httpx.AsyncBaseTransport, error: type[httpx.TransportError]) -> None:
        self.inner = inner
        self.error = error
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.count and request.method == "POST" and request.url.path == "/entries":
            self.count -= 1
            await response.aread()
            raise self.error("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


CREATE_ENTRY = 'mutation { createDiaryEntry(input: {date: "2026-03-10", content: "once"}) { id } }'


async def _entries_after_lost_answer(
    settings: GatewaySettings,
    make_database_url: DatabaseUrlFactory,
    tmp_path: Path,
    error: type[httpx.TransportError],
    *,
    lost: int,
) -> tuple[list[list[str]], int]:
    """Lose the diary's answer to a keyed createDiaryEntry, retry; the error codes and entries."""
    wrappers: list[LoseAnswers] = []

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        wrappers.append(LoseAnswers(inner, error))
        return wrappers[-1]

    async with running_gateway(settings, make_database_url, tmp_path, wrap_diary=wrap) as gateway:
        token = await gateway.sign_up()
        headers = {"authorization": f"Bearer {token}", "idempotency-key": "entry-1"}
        wrappers[0].count = lost
        codes = []
        for _ in range(2):
            response = await gateway.http.post(
                "/graphql", json={"query": CREATE_ENTRY}, headers=headers
            )
            codes.append(error_codes(response.json()))
        total = await gateway.ok("{ diaryEntries { totalCount } }", token=token)
        return codes, total["diaryEntries"]["totalCount"]


@pytest.mark.parametrize(
    ("retries", "lost", "error", "first_codes"),
    [
        # The gateway does not retry: the client sees the outage; its retry gets the one entry.
        (0, 1, httpx.ReadTimeout, ["SERVICE_UNAVAILABLE"]),
        # The gateway retries under the same key: the diary replays, the client sees success.
        (2, 1, httpx.RemoteProtocolError, []),
        # Every attempt's answer lost: the outage shows; the client's retry still makes one.
        (2, 3, httpx.RemoteProtocolError, ["SERVICE_UNAVAILABLE"]),
    ],
)
async def test_lost_answers_and_retries_create_one_entry(
    gateway_settings: GatewaySettings,
    make_database_url: DatabaseUrlFactory,
    tmp_path: Path,
    retries: int,
    lost: int,
    error: type[httpx.TransportError],
    first_codes: list[str],
) -> None:
    settings = gateway_settings.model_copy(update={"upstream_retries": retries})
    codes, total = await _entries_after_lost_answer(
        settings, make_database_url, tmp_path, error, lost=lost
    )
    assert codes == [first_codes, []]
    assert total == 1


async def test_a_keyed_request_that_is_not_json_is_refused_as_usual(
    gateway: Gateway, token: str
) -> None:
    response = await gateway.http.post(
        "/graphql",
        content=b"{not json",
        headers={
            "authorization": f"Bearer {token}",
            "idempotency-key": "k",
            "content-type": "application/json",
            "accept": "application/graphql-response+json",
        },
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


async def test_a_keyed_query_is_not_stored(gateway: Gateway, token: str) -> None:
    headers = {"authorization": f"Bearer {token}", "idempotency-key": "q"}
    first = await gateway.http.post("/graphql", json={"query": COUNT}, headers=headers)
    await keyed(gateway, token, "other")
    again = await gateway.http.post("/graphql", json={"query": COUNT}, headers=headers)
    assert first.json()["data"]["events"]["totalCount"] == 0
    assert again.json()["data"]["events"]["totalCount"] == 1
    assert "idempotent-replayed" not in again.headers


async def test_a_keyed_upload_replays_and_another_file_is_refused(
    gateway: Gateway, token: str
) -> None:
    entry_id = await new_entry(gateway, token)
    headers = {**PREFLIGHT, "idempotency-key": "upload-1"}
    first = await upload(gateway, token, entry_id, png_bytes(), headers=headers)
    again = await upload(gateway, token, entry_id, png_bytes(), headers=headers)
    other = await upload(gateway, token, entry_id, png_bytes(41, 30), headers=headers)
    assert again.json() == first.json() and "errors" not in first.json()
    assert error_codes(other.json()) == ["BAD_USER_INPUT"]
    images = await gateway.ok(
        "query($id: ID!) { diaryEntry(id: $id) { images { id } } }", {"id": entry_id}, token=token
    )
    assert len(images["diaryEntry"]["images"]) == 1
