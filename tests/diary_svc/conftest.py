"""Fixtures for the diary service suites: the real app on a fresh database, over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from diary_svc.app import create_app
from diary_svc.settings import DiarySettings
from scripts.processes import Process
from tests.support.service_app import (
    OWNER_A,
    TOKEN,
    asgi_client,
    headers_for,
    running_process,
    started,
)

MAX_BODY_BYTES = 262_144

_titles = itertools.count(1)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> DiarySettings:
    """Settings for a test app on its own fresh database and image folder."""
    return DiarySettings(
        database_url=database_url,
        image_dir=tmp_path / "images",
        internal_token=TOKEN,
        environment="test",
        max_body_bytes=MAX_BODY_BYTES,
    )


@pytest.fixture
async def app(settings: DiarySettings) -> AsyncIterator[FastAPI]:
    """The diary app, started (migrated) and stopped around the test."""
    async with started(create_app(settings)) as application:
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client acting for owner A."""
    async with asgi_client(app, host="diary") as http:
        yield http


async def make_entry(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create an entry (dated 2026-03-01 by default) and return its JSON."""
    body: dict[str, Any] = {
        "date": "2026-03-01",
        "title": f"Day {next(_titles)}",
        "content": "A quiet day.",
    }
    body.update(overrides)
    response = await client.post("/entries", json=body, headers=headers_for(owner_id))
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry


async def count_entries(client: httpx.AsyncClient, *, owner_id: int = OWNER_A) -> int:
    """How many entries the owner has, as the list endpoint counts them."""
    response = await client.get("/entries", params={"first": 1}, headers=headers_for(owner_id))
    assert response.status_code == 200, response.text
    total: int = response.json()["total_count"]
    return total


def running_diary(database_url: str, workdir: Path) -> AbstractContextManager[Process]:
    """A real `python -m diary_svc` on loopback, on the given database, for a `with` block."""
    return running_process(
        "diary_svc", env_prefix="DIARY_", database_url=database_url, workdir=workdir
    )
