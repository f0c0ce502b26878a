"""An acknowledged write survives SIGKILL: a real `python -m diary_svc` killed mid-burst."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from tests.diary_svc.conftest import running_diary
from tests.support.service_app import headers_for
from tests.support.service_process import kill_hard
from tests.support.sql import check_sqlite_intact

WRITERS = 8
KILL_AFTER_ACKS = 80


async def _writer(
    http: httpx.AsyncClient,
    number: int,
    acked: dict[str, set[str]],
    enough: asyncio.Event,
) -> None:
    """Create entries and rewrite each once, recording every write the service acknowledged.

    `acked[marker]` holds the contents the entry may have now: the acknowledged one, and the
    rewrite while that is still in flight (it may have committed without its answer arriving).
    """
    sequence = 0
    while True:
        marker = f"w{number}-{sequence}"
        sequence += 1
        first, second = f"{marker} 일기 📓", f"{marker} v2 ✍️"
        try:
            created = await http.post(
                "/entries", json={"date": "2026-01-01", "content": first, "tag_ids": [number + 1]}
            )
            if created.status_code != 201:
                raise AssertionError(created.text)
            acked[marker] = {first, second}
            changed = await http.patch(f"/entries/{created.json()['id']}", json={"content": second})
            if changed.status_code != 200:
                raise AssertionError(changed.text)
            acked[marker] = {second}
        except httpx.TransportError:
            return  # the process is gone: whatever was not acknowledged may be lost
        if len(acked) >= KILL_AFTER_ACKS:
            enough.set()


async def _all_contents(base_url: str) -> list[str]:
    """Every entry's content, read page by page from the restarted service."""
    contents: list[str] = []
    after: str | None = None
    async with httpx.AsyncClient(base_url=base_url, headers=headers_for()) as http:
        while True:
            params: dict[str, Any] = {"first": 100}
            if after is not None:
                params["after"] = after
            page = (await http.get("/entries", params=params)).json()
            contents += [item["content"] for item in page["items"]]
            if not page["has_next_page"]:
                return contents
            after = page["end_cursor"]


async def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    acked: dict[str, set[str]] = {}
    enough = asyncio.Event()
    with running_diary(database_url, tmp_path) as service:
        limits = httpx.Limits(max_connections=WRITERS)
        async with httpx.AsyncClient(
            base_url=service.url, headers=headers_for(), limits=limits, timeout=30
        ) as http:
            writers = [asyncio.create_task(_writer(http, n, acked, enough)) for n in range(WRITERS)]
            await enough.wait()
            kill_hard(service)  # mid-burst: requests are in flight on every connection
            await asyncio.gather(*writers)
        assert service.popen is not None
        assert service.popen.returncode == -9

    snapshot = dict(acked)
    assert len(snapshot) >= KILL_AFTER_ACKS
    with running_diary(database_url, tmp_path) as restarted:
        contents = await _all_contents(restarted.url)

    stored = set(contents)
    lost = [marker for marker, allowed in snapshot.items() if not allowed & stored]
    assert lost == [], f"{len(lost)} acknowledged writes lost, e.g. {lost[:3]}"
    assert len(contents) >= len(snapshot)

    check_sqlite_intact(database_url)
