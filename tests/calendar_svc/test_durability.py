"""An acknowledged write survives SIGKILL: a real `python -m calendar_svc` killed mid-burst.

On SQLite the file must also pass its integrity checks after the kill.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.calendar_svc.conftest import running_calendar
from tests.support.service_app import headers_for
from tests.support.service_process import kill_hard
from tests.support.sql import check_sqlite_intact

WRITES = 300
CONCURRENCY = 16
KILL_AFTER_ACKS = 80


async def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    acknowledged: dict[int, str] = {}
    killed = asyncio.Event()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(WRITES):
        queue.put_nowait(n)

    with running_calendar(database_url, tmp_path) as service:

        async def writer(http: httpx.AsyncClient) -> None:
            while not queue.empty() and not killed.is_set():
                n = queue.get_nowait()
                title = f"write {n} 🧭"
                body = {
                    "title": title,
                    "starts_at": "2026-03-01T00:00:00Z",
                    "ends_at": "2026-03-01T01:00:00Z",
                }
                try:
                    response = await http.post("/events", json=body)
                except httpx.TransportError:
                    return  # the server is gone; this write was never acknowledged
                if response.status_code == 201:
                    acknowledged[response.json()["id"]] = title
                    if len(acknowledged) >= KILL_AFTER_ACKS and not killed.is_set():
                        killed.set()
                        kill_hard(service)  # SIGKILL: no shutdown hooks, no flush

        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=service.url, headers=headers_for(), limits=limits, timeout=10
        ) as http:
            await asyncio.gather(*(writer(http) for _ in range(CONCURRENCY)))
        assert killed.is_set(), "the burst finished before the kill"
        assert service.popen is not None
        assert service.popen.returncode == -9

    with running_calendar(database_url, tmp_path) as restarted:
        async with httpx.AsyncClient(
            base_url=restarted.url, headers=headers_for(), timeout=10
        ) as http:
            ids = sorted(acknowledged)
            response = await http.post("/events/batch", json={"ids": ids})
            assert response.status_code == 200
            items = response.json()["items"]
            missing = [i for i, item in zip(ids, items, strict=True) if item is None]
            assert missing == []
            assert [item["title"] for item in items] == [acknowledged[i] for i in ids]
            total = (await http.get("/events")).json()["total_count"]
            assert total >= len(acknowledged)

    check_sqlite_intact(database_url)
