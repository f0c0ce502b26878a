"""An acknowledged write survives `kill -9` mid-burst, and the SQLite file stays intact."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.calendar_svc.conftest import headers_for
from tests.calendar_svc.service_process import free_port, start_service, stop
from tests.conftest import TEST_DB

WRITES = 300
CONCURRENCY = 16
KILL_AFTER_ACKS = 80

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        TEST_DB != "sqlite",
        reason="kill -9 durability is a property of the SQLite setup (WAL, synchronous=FULL); "
        "PostgreSQL's own durability is not ours to test",
    ),
]


async def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = await asyncio.to_thread(start_service, database_url, port, log)
    acknowledged: dict[int, str] = {}
    killed = asyncio.Event()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(WRITES):
        queue.put_nowait(n)

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
                    process.kill()  # SIGKILL: no shutdown hooks, no flush

    try:
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(
            base_url=base_url, headers=headers_for(), limits=limits, timeout=10
        ) as http:
            await asyncio.gather(*(writer(http) for _ in range(CONCURRENCY)))
        assert killed.is_set(), "the burst finished before the kill"
        assert await asyncio.to_thread(process.wait) == -9
    finally:
        stop(process)

    port = free_port()
    restarted = await asyncio.to_thread(start_service, database_url, port, log)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers_for(), timeout=10
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
    finally:
        stop(restarted)

    path = make_url(database_url).database
    assert path is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
