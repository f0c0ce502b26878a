"""Fixtures for the calendar service suites: the real app on a fresh database, over HTTP."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from calendar_svc.app import create_app
from calendar_svc.settings import CalendarSettings
from tests.support.service_app import OWNER_A, TOKEN, running_process
from tests.support.service_fixtures import app_fixtures, created, process_runner

_tag_numbers = itertools.count()

app, client, bare_client = app_fixtures(create_app, host="calendar")

running_calendar = process_runner(running_process, "calendar_svc", env_prefix="CALENDAR_")


@pytest.fixture
def settings(database_url: str) -> CalendarSettings:
    """Settings for a test app on its own fresh database."""
    return CalendarSettings(
        database_url=database_url,
        internal_token=TOKEN,
        environment="test",
        max_body_bytes=65_536,
    )


async def make_tag(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create a tag (unique default name) and return its JSON."""
    body = {"name": f"tag-{next(_tag_numbers)}", "color": "#112233", **overrides}
    return await created(client, "/tags", body, owner_id=owner_id)


async def make_event(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create an event (an hour on 2026-03-01 by default) and return its JSON."""
    body = {
        "title": "Meeting",
        "starts_at": "2026-03-01T10:00:00+00:00",
        "ends_at": "2026-03-01T11:00:00+00:00",
        **overrides,
    }
    return await created(client, "/events", body, owner_id=owner_id)
