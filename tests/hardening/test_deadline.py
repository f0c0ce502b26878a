"""The request deadline is wall-clock: a service that trickles its answer a byte a second (each
byte restarting httpx's read timeout) is cut off at the deadline, and only its fields fail."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from graph_gateway.settings import GatewaySettings
from tests.hardening.in_process import gateway

DEADLINE_S = 1.5
SIGN_UP = 'mutation { signUp(email: "slow@example.test", password: "long enough") { token } }'


@asynccontextmanager
async def trickling_service() -> AsyncIterator[str]:
    """An HTTP server that answers 200 and then one byte of its body per second."""
    writers: list[asyncio.StreamWriter] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n"
        )
        try:
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(1)
        except (ConnectionError, asyncio.CancelledError):
            pass

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in writers:
            writer.close()
        server.close()


async def test_a_trickling_service_is_cut_off_at_the_deadline(tmp_path: Path) -> None:
    async with trickling_service() as calendar_url:
        settings = GatewaySettings(
            environment="test",
            database_url=f"sqlite:///{tmp_path / 'gateway.db'}",
            internal_token=secrets.token_urlsafe(32),
            password_time_cost=1,
            password_memory_kib=1024,
            password_parallelism=1,
            calendar_url=calendar_url,
            diary_url="http://127.0.0.1:9",
            request_deadline_s=DEADLINE_S,
            upstream_timeout_s=30,
            upstream_retries=0,
            rate_limit_enabled=False,
        )
        async with gateway(settings) as http:
            signed_up = (await http.post("/graphql", json={"query": SIGN_UP})).json()
            token = signed_up["data"]["signUp"]["token"]
            started = time.monotonic()
            response = await http.post(
                "/graphql",
                json={"query": "{ me { email } tags { id } }"},
                headers={"authorization": f"Bearer {token}"},
            )
            took = time.monotonic() - started
    body = response.json()
    assert DEADLINE_S - 0.1 <= took < DEADLINE_S + 1.0, took
    assert body["data"] == {"me": {"email": "slow@example.test"}, "tags": None}
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["tags"], {"code": "SERVICE_UNAVAILABLE", "service": "calendar"})
    ]
