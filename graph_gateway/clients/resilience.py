"""Fault containment for upstream calls: circuit breakers, retries of reads, a request deadline.

- `CircuitBreaker`: per service; closed → open after N consecutive failures → half-open (one
  probe at a time) after a cool-down → closed on the probe's success, open again on its failure.
- `RetryPolicy`: jittered exponential backoff, used only for idempotent calls.
- `request_deadline()` / `remaining_budget()`: one deadline per GraphQL request, kept in a
  contextvar, so no upstream timeout outlives the request that asked for it.
Each attempt is counted in the request's `UpstreamStats` (`graph_gateway/upstream_stats.py`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import httpx
import structlog

from graph_gateway.upstream_stats import record_upstream_call

log = structlog.get_logger("graph_gateway.resilience")

Clock = Callable[[], float]
HealthStatus = Literal["ok", "degraded", "down"]


class BreakerState(StrEnum):
    """Where a circuit breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """The breaker is open: the call was not attempted."""

    def __init__(self, service: str) -> None:
        super().__init__(f"circuit open for {service}")
        self.service = service


class DeadlineExceededError(Exception):
    """The request's time budget ran out before or during an upstream call."""


class CircuitBreaker:
    """Stop calling a service that keeps failing; let one probe through after a cool-down."""

    def __init__(
        self,
        service: str,
        *,
        failure_threshold: int = 5,
        reset_timeout_s: float = 10.0,
        slow_call_s: float = 1.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_timeout_s <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_timeout_s > 0")
        self.service = service
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.slow_call_s = slow_call_s
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self._last_latency_s = 0.0

    @property
    def state(self) -> BreakerState:
        """The current state; an open breaker turns half-open once its cool-down has passed."""
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.reset_timeout_s
        ):
            self._state = BreakerState.HALF_OPEN
            self._probe_in_flight = False
        return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        return self._failures

    def acquire(self) -> None:
        """Claim the right to call, or raise `CircuitOpenError` to fail fast."""
        state = self.state
        if state is BreakerState.CLOSED:
            return
        if state is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return
        raise CircuitOpenError(self.service)

    def record_success(self, latency_s: float = 0.0) -> None:
        """A call answered: close the breaker and forget past failures."""
        if self._state is not BreakerState.CLOSED:
            log.info("circuit closed", service=self.service)
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._probe_in_flight = False
        self._last_latency_s = latency_s

    def record_failure(self) -> None:
        """A call failed: open after the threshold, or at once if it was the half-open probe."""
        self._failures += 1
        self._probe_in_flight = False
        if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
            if self._state is not BreakerState.OPEN:
                log.warning("circuit opened", service=self.service, failures=self._failures)
            self._state = BreakerState.OPEN
            self._opened_at = self._clock()

    def probe_succeeded(self, latency_s: float) -> None:
        """A readiness probe found the service ready: close the breaker now, open or half-open,
        and forget failures, so a service is used again (and reported `ok`) as soon as
        readiness says it is up, not a cool-down or a successful call later."""
        if (self.state is not BreakerState.CLOSED or self._failures) and not self._probe_in_flight:
            self.record_success(latency_s)

    def release(self) -> None:
        """A claimed call ended without a verdict (cancelled, or refused for its own input)."""
        self._probe_in_flight = False

    def health(self) -> HealthStatus:
        """`down` when open, `degraded` when probing or slow or failing, else `ok`."""
        state = self.state
        if state is BreakerState.OPEN:
            return "down"
        if state is BreakerState.HALF_OPEN or self._failures > 0:
            return "degraded"
        return "degraded" if self._last_latency_s >= self.slow_call_s else "ok"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry an idempotent read ("full jitter" backoff)."""

    attempts: int = 3
    base_delay_s: float = 0.05
    max_delay_s: float = 0.5

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number `retry` (1-based): uniform in [0, base·2^(n-1)]."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry - 1))
        return (rng or _rng).uniform(0, ceiling)


_rng = random.Random()  # noqa: S311 - jitter, not cryptography

_deadline_var: ContextVar[float | None] = ContextVar("fc_request_deadline", default=None)


@contextmanager
def request_deadline(seconds: float, *, clock: Clock = time.monotonic) -> Iterator[None]:
    """Give everything inside (the resolvers of one request) `seconds` in total."""
    token = _deadline_var.set(clock() + seconds)
    try:
        yield
    finally:
        _deadline_var.reset(token)


def remaining_budget(*, clock: Clock = time.monotonic) -> float | None:
    """Seconds left in the current request's deadline (None outside one; may be negative)."""
    deadline = _deadline_var.get()
    return None if deadline is None else deadline - clock()


def bounded_timeout(timeout: httpx.Timeout, *, clock: Clock = time.monotonic) -> httpx.Timeout:
    """An upstream timeout that never outlives the request; raise if nothing is left."""
    remaining = remaining_budget(clock=clock)
    if remaining is None:
        return timeout
    if remaining <= 0.001:
        raise DeadlineExceededError("request deadline exceeded")

    def cap(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=cap(timeout.connect),
        read=cap(timeout.read),
        write=cap(timeout.write),
        pool=cap(timeout.pool),
    )


# Statuses that say "the service (or what is in front of it) is unwell", worth a retry of a read.
_RETRYABLE_STATUSES = frozenset({502, 503, 504})


async def call_with_resilience(
    send: Callable[[httpx.Timeout], Awaitable[httpx.Response]],
    *,
    breaker: CircuitBreaker,
    upstream_timeout: httpx.Timeout,
    retry: RetryPolicy | None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> httpx.Response:
    """Make one upstream call through the breaker, within the deadline, retrying reads only.

    `retry` is None for anything that is not idempotent. Connection failures and 502/503/504
    are retried; a read timeout is not (retrying a slow service only adds to its load). A call
    that still fails once retries are spent (a 5xx, a transport failure) counts once against the
    breaker; an attempt a retry recovers does not: one replica dying behind a balancer fails the
    requests it held, and their retries succeed on another replica. A 5xx answer is returned
    once retries are spent, a transport failure re-raised. Raises `CircuitOpenError` or
    `DeadlineExceededError` without calling.
    """
    attempts = retry.attempts if retry is not None else 1
    for attempt in range(1, attempts + 1):
        breaker.acquire()
        try:
            bounded = bounded_timeout(upstream_timeout)
        except DeadlineExceededError:
            breaker.release()
            raise
        started = time.perf_counter()
        # The budget is wall-clock: httpx's read timeout restarts with every byte, so a service
        # trickling its answer a byte at a time would otherwise outlive the request.
        budget = asyncio.timeout(remaining_budget())
        try:
            async with budget:
                response = await send(bounded)
        except TimeoutError as exc:
            if not budget.expired():
                raise
            record_upstream_call(breaker.service, time.perf_counter() - started)
            breaker.record_failure()
            raise DeadlineExceededError("request deadline exceeded during the call") from exc
        except httpx.TransportError as exc:
            record_upstream_call(breaker.service, time.perf_counter() - started)
            retryable = not isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout)
            if not retryable or attempt == attempts:
                breaker.record_failure()
                raise
            breaker.release()
        except BaseException:
            breaker.release()
            raise
        else:
            elapsed = time.perf_counter() - started
            record_upstream_call(breaker.service, elapsed)
            if response.status_code < 500:
                breaker.record_success(elapsed)
                return response
            if response.status_code not in _RETRYABLE_STATUSES or attempt == attempts:
                breaker.record_failure()
                return response
            breaker.release()
            await response.aclose()
        assert retry is not None
        pause = retry.delay(attempt)
        remaining = remaining_budget()
        if remaining is not None and remaining <= pause:
            raise DeadlineExceededError("request deadline exceeded while retrying")
        await sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover
