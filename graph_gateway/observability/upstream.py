"""Time each upstream call (retries included) by service, route template and final status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from graph_gateway.clients.resilience import CircuitOpenError, DeadlineExceededError
from graph_gateway.observability.metrics import (
    UPSTREAM_DURATION,
    UPSTREAM_RETRIES,
    route_template,
)

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


def retry_pause(service: str) -> Callable[[float], Awaitable[None]]:
    """The pause before retrying a read to `service`, counted on `fc_upstream_retries_total`.

    `call_with_resilience` sleeps exactly once before each retry it makes (a retry the deadline
    cuts short never sleeps), so counting the pauses counts the retries.
    """
    retries = UPSTREAM_RETRIES.labels(service)

    async def pause(seconds: float) -> None:
        retries.inc()
        await asyncio.sleep(seconds)

    return pause
