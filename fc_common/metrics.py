"""Prometheus metrics every process has: HTTP requests by route template, build info, the server.

Metric objects live in prometheus-client's default registry, as that library intends: each
process is its own registry, and its process, GC and platform collectors come for free. Values
that are cheaper to read when scraped than to keep up to date (readiness, database and disk
sizes, breaker states) come from `ScrapeCollector`s, registered while an app's lifespan runs.

The metrics are served by `start_metrics_server` on their own port (prometheus-client's
threaded HTTP server, beside uvicorn in the same process): never on the public port, and a scrape
does not wait behind GraphQL requests in the event loop.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    REGISTRY,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
    start_http_server,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from starlette.types import Scope

from fc_common import __version__

# OpenTelemetry's recommended buckets for `http.server.request.duration`, in seconds.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
# Any other method is one label value, so invented methods cannot add series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"

REQUEST_DURATION = Histogram(
    "http_server_request_duration_seconds",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
    buckets=DURATION_BUCKETS,
)
ACTIVE_REQUESTS = Gauge("http_server_active_requests", "HTTP requests being served now.")
BUILD_INFO = Info("fc_build", "The running build: service, version and commit.")

ScrapeCollector = Callable[[], Iterable[Metric]]
"""A function the registry calls at every scrape, from the metrics server's thread."""


class _Collected(Collector):
    """Adapts a `ScrapeCollector` to the registry; `describe()` is empty, so many may coexist."""

    def __init__(self, collect: ScrapeCollector) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()

    def describe(self) -> Iterable[Metric]:
        return ()


class HttpMetrics:
    """Times every request by its route template (a `RequestObserver` of the request context)."""

    def __init__(self) -> None:
        # Children by label values: `.labels()` costs a lock and a tuple check per call.
        self._children: dict[tuple[str, str, int], Any] = {}

    def started(self) -> None:
        """Count the request in flight."""
        ACTIVE_REQUESTS.inc()

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        """Observe its duration under its method, route template and status."""
        ACTIVE_REQUESTS.dec()
        route = scope.get("route")
        key = (scope["method"], getattr(route, "path", UNMATCHED_ROUTE), status)
        child = self._children.get(key)
        if child is None:
            method = key[0] if key[0] in KNOWN_METHODS else "_OTHER"
            child = REQUEST_DURATION.labels(method, key[1], str(status))
            self._children[key] = child
        child.observe(seconds)


def collect_while_running(
    app: FastAPI, make_collectors: Callable[[asyncio.AbstractEventLoop], list[ScrapeCollector]]
) -> None:
    """Register the app's scrape collectors once its lifespan has started; remove them after.

    `make_collectors` gets the app's event loop, for collectors that must run a coroutine there.
    """
    lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def collecting(app: FastAPI) -> AsyncIterator[Any]:
        async with lifespan(app) as state:
            registered = [_Collected(c) for c in make_collectors(asyncio.get_running_loop())]
            for collector in registered:
                REGISTRY.register(collector)
            try:
                yield state
            finally:
                for collector in registered:
                    REGISTRY.unregister(collector)

    app.router.lifespan_context = collecting


def start_metrics_server(*, service: str, host: str, port: int) -> Callable[[], None]:
    """Serve `/metrics` on `host:port` (0: off) and publish the build; returns how to stop it."""
    disable_created_metrics()  # type: ignore[no-untyped-call] # `_created` series double the output and no query here uses them
    BUILD_INFO.info({"service": service, "version": __version__, "commit": build_commit()})
    if port == 0:
        return lambda: None
    server, thread = start_http_server(port, addr=host)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def build_commit() -> str:
    """The commit being run: `FC_BUILD_COMMIT` (images set it), else git's, else "unknown"."""
    commit = os.environ.get("FC_BUILD_COMMIT")
    if commit:
        return commit
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607 - git from PATH on purpose
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unknown"
