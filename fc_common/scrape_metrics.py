"""What every process reports when scraped: readiness, its database's size and pool, its disk."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterable
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from fc_common.db import Database
from fc_common.health import CheckStatus, ReadinessCheck
from fc_common.metrics import ScrapeCollector

READINESS_TIMEOUT_S = 5.0
STATUS_VALUE = {"ok": 0.0, "degraded": 1.0, "down": 2.0}


def readiness_collector(
    readiness: ReadinessCheck, loop: asyncio.AbstractEventLoop
) -> ScrapeCollector:
    """`fc_readiness_status{check}`: 0 ok, 1 degraded, 2 down, as `/health/ready` would say."""

    def collect() -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "fc_readiness_status",
            "Each readiness check: 0 ok, 1 degraded, 2 down (as /health/ready reports).",
            labels=["check"],
        )

        async def check() -> dict[str, CheckStatus]:
            return await readiness()

        checks: dict[str, CheckStatus]
        try:
            # The checks use the app's clients, which belong to its event loop.
            checks = asyncio.run_coroutine_threadsafe(check(), loop).result(READINESS_TIMEOUT_S)
        except Exception:  # a scrape reports what it can; a failed check reads as down
            checks = {"readiness": "down"}
        for name, status in checks.items():
            family.add_metric([name], STATUS_VALUE[status])
        yield family

    return collect


def database_collector(database: Database) -> ScrapeCollector:
    """`fc_database_size_bytes` and `fc_db_pool_connections{state}` of this process's database."""

    def collect() -> Iterable[Metric]:
        size = database_size_bytes(database)
        if size is not None:
            yield GaugeMetricFamily(
                "fc_database_size_bytes",
                "Bytes the database takes (SQLite: files with WAL).",
                value=size,
            )
        pool = database.engine.pool
        if isinstance(pool, QueuePool):
            family = GaugeMetricFamily(
                "fc_db_pool_connections", "Pooled database connections by state.", labels=["state"]
            )
            family.add_metric(["in_use"], pool.checkedout())
            family.add_metric(["idle"], pool.checkedin())
            yield family

    return collect


def database_size_bytes(database: Database) -> float | None:
    """The SQLite files' bytes (main, WAL, shared memory), or PostgreSQL's database size."""
    url = database.engine.url
    if database.is_sqlite:
        if not url.database or url.database == ":memory:":
            return None
        main = Path(url.database)
        files = (main, main.with_name(main.name + "-wal"), main.with_name(main.name + "-shm"))
        return float(sum(f.stat().st_size for f in files if f.exists()))
    try:
        with database.engine.connect() as conn:
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    except Exception:  # an unreachable database is readiness's news, not the scrape's
        return None
    return float(size)


def disk_collector(data_dir: Path) -> ScrapeCollector:
    """`fc_data_disk_{free,size}_bytes` of the file system holding the data directory."""

    def collect() -> Iterable[Metric]:
        where = data_dir.resolve()
        while not where.exists() and where != where.parent:
            where = where.parent
        usage = shutil.disk_usage(where)
        yield GaugeMetricFamily(
            "fc_data_disk_free_bytes", "Free bytes on the data directory's disk.", value=usage.free
        )
        yield GaugeMetricFamily(
            "fc_data_disk_size_bytes", "Size of the data directory's disk.", value=usage.total
        )

    return collect
