"""Fixtures for the diary service suites: the real app on a fresh database, over HTTP."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import httpx
import pytest

from diary_svc.app import create_app
from diary_svc.settings import DiarySettings
from tests.support.service_app import OWNER_A, TOKEN, headers_for, running_process
from tests.support.service_fixtures import app_fixtures, created, process_runner

MAX_BODY_BYTES = 262_144

_titles = itertools.count(1)

app, client, bare_client = app_fixtures(create_app, host="diary")

running_diary = process_runner(running_process, "diary_svc", env_prefix="DIARY_")


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


async def make_entry(
    client: httpx.AsyncClient, *, owner_id: int = OWNER_A, **overrides: Any
) -> dict[str, Any]:
    """Create an entry (dated 2026-03-01 by default) and return its JSON."""
    body = {"date": "2026-03-01", "title": f"Day {next(_titles)}", "content": "A quiet day."}
    return await created(client, "/entries", {**body, **overrides}, owner_id=owner_id)


async def count_entries(client: httpx.AsyncClient, *, owner_id: int = OWNER_A) -> int:
    """How many entries the owner has, as the list endpoint counts them."""
    response = await client.get("/entries", params={"first": 1}, headers=headers_for(owner_id))
    assert response.status_code == 200, response.text
    total: int = response.json()["total_count"]
    return total
