"""What the calendar and diary suites share: the gateway's headers, the started app, its clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from scripts.processes import Process
from tests.support.service_process import running_service

TOKEN = "test-internal-token-0123456789abcdef"
OWNER_A = 1
OWNER_B = 2


def headers_for(owner_id: int = OWNER_A, token: str | None = TOKEN) -> dict[str, str]:
    """The headers the gateway sends when acting for `owner_id`."""
    headers = {"X-User-Id": str(owner_id)}
    if token is not None:
        headers["X-Internal-Token"] = token
    return headers


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[FastAPI]:
    """The app with its lifespan run (migrated, engine built) for the block, then shut down."""
    async with LifespanManager(app):
        yield app


def asgi_client(app: FastAPI, *, host: str, owner_id: int | None = OWNER_A) -> httpx.AsyncClient:
    """An in-process client for the app acting for `owner_id`; None sends no credential at all."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=f"http://{host}",
        headers=headers_for(owner_id) if owner_id is not None else None,
    )


def running_process(
    module: str, *, env_prefix: str, database_url: str, workdir: Path
) -> AbstractContextManager[Process]:
    """A real `python -m <module>` on loopback, on the given database, for a `with` block."""
    return running_service(
        module, env_prefix=env_prefix, database_url=database_url, workdir=workdir, token=TOKEN
    )


async def listed_both_ways(
    client: httpx.AsyncClient, path: str, filters: dict[str, Any]
) -> httpx.Response:
    """`POST {path}/search` with `filters` as its body, after checking that `GET {path}` with
    them as its query string answers the same (one model validates both)."""
    searched = await client.post(f"{path}/search", json=filters)
    listed = await client.get(path, params=filters)
    assert (listed.status_code, listed.json()) == (searched.status_code, searched.json())
    return searched


async def refused_both_ways(client: httpx.AsyncClient, path: str, filters: dict[str, Any]) -> Any:
    """The field both list routes name when they refuse `filters` with a coded 422."""
    refused = await listed_both_ways(client, path, filters)
    assert (refused.status_code, refused.json()["code"]) == (422, "VALIDATION_FAILED")
    return refused.json()["field"]
