"""The fixtures and helpers both services' suites define alike, made once for each conftest.

A service's conftest keeps only what is its own (its settings, its default objects) and takes
the rest from here: `app, client, bare_client = app_fixtures(create_app, host=...)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI

from tests.support.service_app import OWNER_A, asgi_client, headers_for, started

P = TypeVar("P")


def app_fixtures(create_app: Callable[[Any], FastAPI], *, host: str) -> tuple[Any, Any, Any]:
    """The `app`, `client` and `bare_client` fixtures of a service built by `create_app`."""

    @pytest.fixture(name="app")
    async def app_fixture(settings: Any) -> AsyncIterator[FastAPI]:
        """The service's app on the `settings` fixture, started (migrated) and stopped."""
        async with started(create_app(settings)) as application:
            yield application

    @pytest.fixture(name="client")
    async def client_fixture(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client acting for owner A."""
        async with asgi_client(app, host=host) as http:
            yield http

    @pytest.fixture(name="bare_client")
    async def bare_client_fixture(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client that sends no credential or user id unless a request adds them."""
        async with asgi_client(app, host=host, owner_id=None) as http:
            yield http

    return app_fixture, client_fixture, bare_client_fixture


async def created(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], *, owner_id: int = OWNER_A
) -> dict[str, Any]:
    """POST `body` to a create route for `owner_id`; the created object's JSON (a 201)."""
    response = await client.post(path, json=body, headers=headers_for(owner_id))
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def process_runner(
    running_process: Callable[..., AbstractContextManager[P]], module: str, *, env_prefix: str
) -> Callable[[str, Path], AbstractContextManager[P]]:
    """`running(database_url, workdir)`: a real `python -m <module>` for a `with` block."""

    def running(database_url: str, workdir: Path) -> AbstractContextManager[P]:
        return running_process(
            module, env_prefix=env_prefix, database_url=database_url, workdir=workdir
        )

    return running
