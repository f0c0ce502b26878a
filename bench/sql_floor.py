"""The SQL floor: what a service call's data costs with no HTTP and no framework.

For each floor call of a read operation, the service app is built in this process on the bench's
database file and sent the call once, while SQLAlchemy's `before_cursor_execute` records the
statements and parameters it hands the driver. Those statements then run in a loop straight on
the sqlite3 driver, their rows encoded with orjson, and the CPU per loop is the floor. The
service's own CPU per call (measured under wrk beside it) divided by this floor is how far the
service is from its SQL.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import structlog
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.operations import Call, Operation
from bench.procs import SystemConfig
from bench.report import OperationResult, markdown
from bench.stats import BenchError
from fc_common.logging import configure_logging
from fc_common.settings import CommonSettings

Statement = tuple[str, Any]
DATA_VERBS = frozenset({"SELECT", "WITH"})


@contextmanager
def _recorded() -> Iterator[list[Statement]]:
    """Every read statement any engine in this process runs inside the block."""
    statements: list[Statement] = []

    def record(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        words = statement.lstrip().split(None, 1)
        if words and words[0].upper() in DATA_VERBS:
            statements.append((statement, params))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _app(service: str, config: SystemConfig) -> FastAPI:
    """The service's app on the bench's database (imported here: only this step needs it)."""
    common: dict[str, Any] = {
        "database_url": config.database_url(service),
        "internal_token": config.internal_token,
        "environment": config.environment,
        "log_level": "WARNING",
        "metrics_port": 0,
        "data_dir": config.workdir,
    }
    create: Callable[[Any], FastAPI]
    settings: CommonSettings
    if service == "calendar":
        from calendar_svc.app import create_app as create
        from calendar_svc.settings import CalendarSettings

        settings = CalendarSettings(**common)
    else:
        from diary_svc.app import create_app as create
        from diary_svc.settings import DiarySettings

        settings = DiarySettings(**common)
    # As `python -m <service>` does: at WARNING, its request logs stay off the bench's output.
    configure_logging(settings, service=f"{service}_svc")
    return create(settings)


async def _send(
    app: FastAPI, call: Call, headers: dict[str, str]
) -> tuple[httpx.Response, list[Statement]]:
    """Start the app (migrations are not recorded), then send the call while recording."""
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            with _recorded() as statements:
                answer = await client.request(
                    call.method, call.path, json=call.body, headers=headers
                )
            return answer, statements


def capture(service: str, config: SystemConfig, call: Call, user_id: int) -> list[Statement]:
    """The read statements the service runs to answer `call` (sent once, in process)."""
    headers = {"X-Internal-Token": config.internal_token, "X-User-Id": str(user_id)}
    answer, statements = asyncio.run(_send(_app(service, config), call, headers))
    if answer.status_code != 200:
        raise BenchError(f"{service} {call.path} answered {answer.status_code}: {answer.text}")
    if not statements:
        raise BenchError(f"{service} {call.path} ran no SQL")
    return statements


def floor_ms(database: Path, statements: list[Statement], *, seconds: float) -> tuple[float, int]:
    """CPU ms per run of the statements on the sqlite3 driver, rows encoded with orjson; and
    how many rows one run reads (so an empty answer cannot pass for a fast one)."""
    connection = sqlite3.connect(database)
    try:
        rows = sum(len(connection.execute(s, p).fetchall()) for s, p in statements)
        loops = 0
        cpu_start = time.process_time()
        deadline = time.monotonic() + seconds
        while loops < 3 or time.monotonic() < deadline:
            for statement, params in statements:
                orjson.dumps(connection.execute(statement, params).fetchall(), default=str)
            loops += 1
        return (time.process_time() - cpu_start) * 1000 / loops, rows
    finally:
        connection.close()


@contextmanager
def _logging_restored() -> Iterator[None]:
    """Put the process's logging back as it was (the services' set-up replaces it)."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        structlog.configure(**saved)
        root.handlers[:] = handlers
        root.setLevel(level)


@_logging_restored()
def measure_sql_floor(
    config: SystemConfig,
    operations: list[Operation],
    results: list[OperationResult],
    *,
    user_id: int,
    seconds: float,
) -> list[dict[str, Any]]:
    """Per read operation and floor call: its statements, the SQL floor, the service ÷ floor."""
    measured = {r.name: r for r in results}
    rows = []
    for operation in operations:
        if operation.writes or operation.name not in measured:
            continue
        for call, result in zip(operation.floor, measured[operation.name].floor, strict=True):
            statements = capture(call.service, config, call.calls[0], user_id)
            database = config.workdir / f"{call.service}.db"
            sql_ms, read = floor_ms(database, statements, seconds=seconds)
            service_ms = result.measured.cpu_ms[call.service]
            rows.append(
                {
                    "operation": operation.name,
                    "service": call.service,
                    "route": call.route,
                    "statements": len(statements),
                    "rows": read,
                    "sql_floor_cpu_ms": round(sql_ms, 4),
                    "service_cpu_ms_per_call": round(service_ms, 4),
                    "service_over_sql_floor": round(service_ms / sql_ms, 2),
                }
            )
            print(
                f"  SQL floor of {operation.name} ({call.service} {call.route}): "
                f"{len(statements)} statements, {read} rows, {sql_ms:.3f} ms; "
                f"service {service_ms:.2f} ms",
                file=sys.stderr,
                flush=True,
            )
    return rows


def markdown_sql_floor(rows: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table."""
    header = ["operation", "service call", "statements", "rows", "SQL floor CPU ms"]
    header += ["service CPU ms/call", "service ÷ SQL floor"]
    cells = [
        [
            f"`{row['operation']}`",
            f"{row['service']} `{row['route']}`",
            str(row["statements"]),
            str(row["rows"]),
            f"{row['sql_floor_cpu_ms']:.3f}",
            f"{row['service_cpu_ms_per_call']:.2f}",
            f"{row['service_over_sql_floor']:.1f}×",
        ]
        for row in rows
    ]
    return markdown(header, cells, figures_from=2)
