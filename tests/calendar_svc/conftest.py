"""Fixtures for the calendar service suites: the real app on a fresh database, over HTTP."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from calendar_svc.app import create_app
from calendar_svc.settings import CalendarSettings
from scripts.processes import Process
from tests.support.service_app import (
    OWNER_A,
    TOKEN,
    asgi_client,
    headers_for,
    running_process,
    started,
)

_tag_numbers = itertools.count()


@pytest.fixture
def settings(database_url: str) -> CalendarSettings:
    """Settings for a test app on its own fresh database."""
    return CalendarSettings(
        database_url=database_url,
        internal_token=TOKEN,
        environment="test",
        max_body_bytes=65_536,
    )


@pytest.fixture
async def app(settings: CalendarSettings) -> AsyncIterator[FastAPI]:
    """The calendar app, started (migrated) and stopped around the test."""
    async with started(create_app(settings)) as application:
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client acting for owner A."""
    async with asgi_client(app, host="calendar") as http:
        yield http


async def make_tag(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create a tag (unique default name) and return its JSON."""
    body: dict[str, Any] = {"name": f"tag-{next(_tag_numbers)}", "color": "#112233"}
    body.update(overrides)
    response = await client.post("/tags", json=body, headers=headers_for(owner_id))
    assert response.status_code == 201, response.text
    tag: dict[str, Any] = response.json()
    return tag


async def make_event(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create an event (an hour on 2026-03-01 by default) and return its JSON."""
    body: dict[str, Any] = {
        "title": "Meeting",
        "starts_at": "2026-03-01T10:00:00+00:00",
        "ends_at": "2026-03-01T11:00:00+00:00",
    }
    body.update(overrides)
    response = await client.post("/events", json=body, headers=headers_for(owner_id))
    assert response.status_code == 201, response.text
    event: dict[str, Any] = response.json()
    return event


@pytest.fixture
async def bare_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that sends no credential or user id unless a request adds them."""
    async with asgi_client(app, host="calendar", owner_id=None) as http:
        yield http


def running_calendar(database_url: str, workdir: Path) -> AbstractContextManager[Process]:
    """A real `python -m calendar_svc` on loopback, on the given database, for a `with` block."""
    return running_process(
        "calendar_svc", env_prefix="CALENDAR_", database_url=database_url, workdir=workdir
    )
