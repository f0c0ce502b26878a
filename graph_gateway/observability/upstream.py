"""Time each upstream call (retries included) by service, route template and final status."""

from __future__ import annotations

import time
from collections.abc import Awaitable

import httpx

from graph_gateway.observability.metrics import UPSTREAM_DURATION, route_template
from graph_gateway.resilience import CircuitOpenError, DeadlineExceededError

# The `status` label of a call that got no answer.
_NO_ANSWER: tuple[tuple[type[BaseException], str], ...] = (
    (CircuitOpenError, "breaker_open"),
    (DeadlineExceededError, "deadline"),
    (httpx.TimeoutException, "timeout"),
    (httpx.TransportError, "transport_error"),
)


async def observed_call(service: str, path: str, call: Awaitable[httpx.Response]) -> httpx.Response:
    """Await `call`, observing its duration on `fc_upstream_request_duration_seconds`."""
    started = time.perf_counter()
    status = "error"
    try:
        response = await call
        status = str(response.status_code)
        return response
    except BaseException as exc:
        status = next((label for kind, label in _NO_ANSWER if isinstance(exc, kind)), "error")
        raise
    finally:
        UPSTREAM_DURATION.labels(service, route_template(path), status).observe(
            time.perf_counter() - started
        )
