"""What every FastAPI process wires in the same way: errors, request context, body limit, health."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from starlette.types import Scope

from fc_common.body_limit import BodyLimitMiddleware
from fc_common.db import Database
from fc_common.errors import ValidationFailedError, install_error_handlers
from fc_common.health import ReadinessCheck, health_router
from fc_common.internal_auth import CallerDep
from fc_common.metrics import HttpMetrics, ScrapeCollector, collect_while_running
from fc_common.request_context import RequestContextMiddleware
from fc_common.scrape_metrics import database_collector, disk_collector, readiness_collector
from fc_common.settings import CommonSettings
from fc_common.sql_metrics import time_statements
from fc_common.tracing import instrument_app

T = TypeVar("T")

HEALTH_PATHS = frozenset({"/health", "/health/ready"})


def install_common(
    app: FastAPI,
    settings: CommonSettings,
    *,
    service: str,
    readiness: ReadinessCheck,
    critical_checks: Collection[str] | None = None,
    upload_limit: int | None = None,
    upload_path_prefix: str | re.Pattern[str] = "",
    error_middleware: tuple[Any, dict[str, Any]] | None = None,
    scrape_collectors: Callable[[], list[ScrapeCollector]] | None = None,
) -> None:
    """Add the shared middleware, error handlers and health routes to an app.

    `critical_checks` names the readiness checks whose failure makes the process unready (503);
    by default all of them. Bodies are capped at `settings.max_body_bytes`, except multipart
    requests under `upload_path_prefix` (or whose path fully matches it, when it is a pattern),
    which may carry up to `upload_limit` bytes. `error_middleware` (a class and its options) goes
    between the body limit and the request context: it sees every refusal, with a request id.
    `scrape_collectors` adds the app's own scrape-time metrics to the shared ones (readiness,
    database, disk).
    """
    app.state.internal_token = settings.internal_token.get_secret_value().encode()
    install_error_handlers(app)

    def limit_for(scope: Scope) -> int:
        path: str = scope["path"]
        is_upload_path = (
            upload_path_prefix.fullmatch(path) is not None
            if isinstance(upload_path_prefix, re.Pattern)
            else path.startswith(upload_path_prefix)
        )
        if upload_limit is not None and is_upload_path:
            content_type = dict(scope["headers"]).get(b"content-type", b"")
            if content_type.startswith(b"multipart/form-data"):
                return upload_limit
        return settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    if error_middleware is not None:
        middleware_class, options = error_middleware
        app.add_middleware(middleware_class, **options)
    # Metrics off (port 0) means none collected, not just none served: no per-request cost.
    metrics_on = settings.metrics_port != 0
    # Added last, so it is outermost: even a refused body gets a request id, a log line and
    # its place in the request metrics.
    app.add_middleware(
        RequestContextMiddleware,
        skip_log_paths=HEALTH_PATHS,
        observer=HttpMetrics() if metrics_on else None,
    )

    def start_collecting(loop: asyncio.AbstractEventLoop) -> list[ScrapeCollector]:
        """Time the database's statements and list the scrape collectors (it is open now)."""
        time_statements(app.state.db.engine)
        return [
            readiness_collector(readiness, loop),
            database_collector(app.state.db),
            disk_collector(settings.data_dir),
            *(scrape_collectors() if scrape_collectors is not None else ()),
        ]

    if metrics_on:
        collect_while_running(app, start_collecting)
    instrument_app(app)
    app.include_router(health_router(service, readiness, critical=critical_checks))


def app_database(request: Request) -> Database:
    """The `Database` the app's lifespan keeps on `app.state.db`."""
    database: Database = request.app.state.db
    return database


DatabaseDep = Annotated[Database, Depends(app_database)]


@dataclass(frozen=True, slots=True)
class OwnerReads:
    """The request caller's reads: `read(fn, **arguments)` calls a read function with a read
    session and the caller's `owner_id` (what `WriteOnce.write` is to writes)."""

    db: Database
    owner_id: int

    def __call__(self, read: Callable[..., T], **arguments: Any) -> T:
        return self.db.query(read, owner_id=self.owner_id, **arguments)


def owner_reads(caller: CallerDep, db: DatabaseDep) -> OwnerReads:
    """Reads scoped to the authenticated caller."""
    return OwnerReads(db=db, owner_id=caller.user_id)


ReadsDep = Annotated[OwnerReads, Depends(owner_reads)]


def single_valued_query(request: Request) -> None:
    """Refuse a query string naming a parameter twice: every list filter takes one value, and
    FastAPI would otherwise keep the last one silently."""
    seen: set[str] = set()
    for key, _ in request.query_params.multi_items():
        if key in seen:
            raise ValidationFailedError("A query parameter is given more than once", field=key)
        seen.add(key)


SINGLE_VALUED_QUERY = [Depends(single_valued_query)]
"""A route's `dependencies=` for a query string whose parameters each take one value."""
