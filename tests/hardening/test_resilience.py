"""The circuit breaker, retries and the request deadline, driven by a fake clock and transport."""

from __future__ import annotations

import random

import httpx
import pytest

from graph_gateway.clients.resilience import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    DeadlineExceededError,
    RetryPolicy,
    bounded_timeout,
    call_with_resilience,
    request_deadline,
)
from graph_gateway.upstream_stats import tracking_upstream_calls


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_then_probes_and_closes() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("diary", failure_threshold=3, reset_timeout_s=5, clock=clock)
    for _ in range(2):
        breaker.acquire()
        breaker.record_failure()
    assert (breaker.state, breaker.health()) == (BreakerState.CLOSED, "degraded")
    breaker.acquire()
    breaker.record_failure()
    assert (breaker.state, breaker.health()) == (BreakerState.OPEN, "down")
    with pytest.raises(CircuitOpenError):
        breaker.acquire()

    clock.now += 5
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.acquire()  # the one probe
    with pytest.raises(CircuitOpenError):
        breaker.acquire()  # no second caller while the probe is out
    breaker.record_success(0.01)
    assert (breaker.state, breaker.health()) == (BreakerState.CLOSED, "ok")


def test_failed_probe_reopens_for_a_new_cool_down() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("calendar", failure_threshold=1, reset_timeout_s=5, clock=clock)
    breaker.acquire()
    breaker.record_failure()
    clock.now += 5
    breaker.acquire()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now += 4.9
    with pytest.raises(CircuitOpenError):
        breaker.acquire()


def test_a_ready_probe_closes_an_open_breaker_at_once() -> None:
    """What readiness reports as up is used at once: no waiting out the cool-down."""
    clock = FakeClock()
    breaker = CircuitBreaker("diary", failure_threshold=1, reset_timeout_s=5, clock=clock)
    breaker.record_failure()
    assert (breaker.state, breaker.health()) == (BreakerState.OPEN, "down")
    breaker.probe_succeeded(0.01)
    assert (breaker.state, breaker.health()) == (BreakerState.CLOSED, "ok")
    breaker.acquire()  # calls go through again


def test_a_ready_probe_leaves_a_call_probing_a_half_open_breaker_alone() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("diary", failure_threshold=1, reset_timeout_s=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    breaker.acquire()  # a real call is the probe now; its own outcome decides
    breaker.probe_succeeded(0.01)
    assert breaker.state is BreakerState.HALF_OPEN


def test_slow_answers_report_degraded() -> None:
    breaker = CircuitBreaker("diary", slow_call_s=0.5)
    breaker.record_success(0.7)
    assert breaker.health() == "degraded"
    breaker.record_success(0.1)
    assert breaker.health() == "ok"


def test_backoff_is_jittered_and_capped() -> None:
    policy = RetryPolicy(attempts=5, base_delay_s=0.1, max_delay_s=0.3)
    rng = random.Random(7)
    delays = [policy.delay(n, rng) for n in (1, 2, 3, 4) for _ in range(50)]
    assert all(0 <= d <= 0.3 for d in delays)
    assert len(set(delays)) > 150
    assert max(policy.delay(1, rng) for _ in range(50)) <= 0.1


def _client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler, base_url="http://svc")


async def _no_sleep(_: float) -> None:
    return None


async def test_reads_retry_connect_errors_and_503_then_succeed() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused"),
        httpx.Response(503),
        httpx.Response(200, json={"ok": True}),
    ]

    def handle(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    breaker = CircuitBreaker("calendar", failure_threshold=5)
    async with _client(httpx.MockTransport(handle)) as client:
        with tracking_upstream_calls() as stats:
            response = await call_with_resilience(
                lambda t: client.get("/tags", timeout=t),
                breaker=breaker,
                upstream_timeout=httpx.Timeout(1.0),
                retry=RetryPolicy(attempts=3),
                sleep=_no_sleep,
            )
    assert response.status_code == 200
    assert stats.services["calendar"].count == 3
    assert breaker.consecutive_failures == 0


async def test_an_attempt_a_retry_recovers_does_not_count_against_the_breaker() -> None:
    # A replica dying behind the balancer fails what it held; the retry lands on another one.
    answers = [httpx.Response(502), httpx.Response(200, json={"ok": True})]
    breaker = CircuitBreaker("calendar", failure_threshold=1)
    async with _client(httpx.MockTransport(lambda request: answers.pop(0))) as client:
        response = await call_with_resilience(
            lambda t: client.post("/events/search", json={}, timeout=t),
            breaker=breaker,
            upstream_timeout=httpx.Timeout(1.0),
            retry=RetryPolicy(attempts=3),
            sleep=_no_sleep,
        )
    assert response.status_code == 200
    assert breaker.state is BreakerState.CLOSED


async def test_a_call_that_fails_every_attempt_counts_once() -> None:
    breaker = CircuitBreaker("calendar", failure_threshold=2)
    async with _client(httpx.MockTransport(lambda request: httpx.Response(503))) as client:
        response = await call_with_resilience(
            lambda t: client.get("/tags", timeout=t),
            breaker=breaker,
            upstream_timeout=httpx.Timeout(1.0),
            retry=RetryPolicy(attempts=3),
            sleep=_no_sleep,
        )
    assert response.status_code == 503
    assert breaker.consecutive_failures == 1
    assert breaker.state is BreakerState.CLOSED


async def test_mutations_are_never_retried() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused")

    breaker = CircuitBreaker("calendar", failure_threshold=5)
    async with _client(httpx.MockTransport(handle)) as client:
        with pytest.raises(httpx.ConnectError):
            await call_with_resilience(
                lambda t: client.post("/events", json={}, timeout=t),
                breaker=breaker,
                upstream_timeout=httpx.Timeout(1.0),
                retry=None,
                sleep=_no_sleep,
            )
    assert calls == 1
    assert breaker.consecutive_failures == 1


async def test_open_breaker_fails_fast_without_calling() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200)

    breaker = CircuitBreaker("diary", failure_threshold=1, reset_timeout_s=60)
    breaker.record_failure()
    async with _client(httpx.MockTransport(handle)) as client:
        with pytest.raises(CircuitOpenError):
            await call_with_resilience(
                lambda t: client.get("/entries", timeout=t),
                breaker=breaker,
                upstream_timeout=httpx.Timeout(1.0),
                retry=RetryPolicy(),
            )
    assert calls == 0


def test_upstream_timeouts_never_outlive_the_request_deadline() -> None:
    clock = FakeClock()
    configured = httpx.Timeout(5.0, connect=1.0)
    assert bounded_timeout(configured, clock=clock) is configured
    with request_deadline(2.0, clock=clock):
        clock.now += 1.5
        bounded = bounded_timeout(configured, clock=clock)
        assert bounded.read == pytest.approx(0.5)
        assert bounded.connect == pytest.approx(0.5)
        clock.now += 0.5
        with pytest.raises(DeadlineExceededError):
            bounded_timeout(configured, clock=clock)
