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
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class MetricsMiddleware:
    """Time every HTTP request by its route template, and own the app's scrape collectors.

    The collectors are registered when the lifespan has started (so what they read exists) and
    removed when it ends; `make_collectors` gets the app's event loop, for those that must run
    a coroutine there.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        make_collectors: Callable[[asyncio.AbstractEventLoop], list[ScrapeCollector]],
    ) -> None:
        self.app = app
        self.make_collectors = make_collectors
        self._registered: list[_Collected] = []
        # Children by label values: `.labels()` costs a lock and a tuple check per call.
        self._children: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._lifespan_send(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        ACTIVE_REQUESTS.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            ACTIVE_REQUESTS.dec()
            route = scope.get("route")
            key = (scope["method"], getattr(route, "path", UNMATCHED_ROUTE), status)
            child = self._children.get(key)
            if child is None:
                method = key[0] if key[0] in KNOWN_METHODS else "_OTHER"
                child = REQUEST_DURATION.labels(method, key[1], str(status))
                self._children[key] = child
            child.observe(time.perf_counter() - started)

    def _lifespan_send(self, send: Send) -> Send:
        async def lifespan_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                loop = asyncio.get_running_loop()
                for collect in self.make_collectors(loop):
                    collector = _Collected(collect)
                    REGISTRY.register(collector)
                    self._registered.append(collector)
            elif message["type"].startswith("lifespan.shutdown"):
                while self._registered:
                    REGISTRY.unregister(self._registered.pop())
            await send(message)

        return lifespan_send


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
