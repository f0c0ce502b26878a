"""What `make status` reads from each process: liveness, readiness and its metrics."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from prometheus_client.parser import text_string_to_metric_families

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from graph_gateway.settings import GatewaySettings

Verdict = Literal["ok", "degraded", "down"]
Samples = dict[str, list[tuple[dict[str, str], float]]]


@dataclass(frozen=True)
class Target:
    """One process: its name, base URL and metrics URL (None when its metrics are off)."""

    name: str
    url: str
    metrics_url: str | None


@dataclass
class Probe:
    """One process as seen now."""

    target: Target
    live: bool = False
    readiness: dict[str, Any] | None = None
    liveness: dict[str, Any] | None = None
    samples: Samples | None = None
    scraped_at: float = 0.0
    error: str | None = None
    metrics_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """Down when not alive; else what its readiness says (no answer: down)."""
        if not self.live:
            return "down"
        status = (self.readiness or {}).get("status")
        return status if status in ("ok", "degraded") else "down"


def targets_from_environment() -> list[Target]:
    """The three processes where the gateway's settings say they are (the same variables)."""
    # `test` only so reading them never refuses development secrets: nothing here uses those.
    gateway = GatewaySettings(environment="test")
    calendar = CalendarSettings(environment="test")
    diary = DiarySettings(environment="test")
    gateway_host = _reachable(gateway.host)
    return [
        Target(
            "gateway",
            f"http://{gateway_host}:{gateway.port}",
            _metrics_url(gateway_host, gateway.metrics_port),
        ),
        Target(
            "calendar",
            gateway.calendar_url.rstrip("/"),
            _metrics_url(urlsplit(gateway.calendar_url).hostname, calendar.metrics_port),
        ),
        Target(
            "diary",
            gateway.diary_url.rstrip("/"),
            _metrics_url(urlsplit(gateway.diary_url).hostname, diary.metrics_port),
        ),
    ]


def _reachable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104 - a bind-all address


def _metrics_url(host: str | None, port: int) -> str | None:
    return f"http://{host or '127.0.0.1'}:{port}/metrics" if port else None


async def probe(client: httpx.AsyncClient, target: Target) -> Probe:
    """Ask one process for `/health`, `/health/ready` and its metrics, all at once."""
    result = Probe(target)
    health, ready, metrics = await asyncio.gather(
        _get(client, f"{target.url}/health"),
        _get(client, f"{target.url}/health/ready"),
        _get(client, target.metrics_url) if target.metrics_url else _none(),
        return_exceptions=True,
    )
    if isinstance(health, httpx.Response) and health.status_code == 200:
        result.live = True
        result.liveness = health.json()
    else:
        result.error = _describe(health)
    if isinstance(ready, httpx.Response) and ready.status_code in (200, 503):
        result.readiness = ready.json()
    if isinstance(metrics, httpx.Response) and metrics.status_code == 200:
        result.samples = parse_metrics(metrics.text)
        result.scraped_at = time.monotonic()
    elif target.metrics_url is not None:
        result.metrics_error = _describe(metrics)
    return result


async def probe_all(client: httpx.AsyncClient, targets: list[Target]) -> list[Probe]:
    """Every process, concurrently."""
    return list(await asyncio.gather(*(probe(client, target) for target in targets)))


async def _get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    return await client.get(url)


async def _none() -> None:
    return None


def _describe(outcome: object) -> str:
    if isinstance(outcome, httpx.Response):
        return f"HTTP {outcome.status_code}"
    if isinstance(outcome, httpx.ConnectError):
        return "connection refused"
    if isinstance(outcome, httpx.TimeoutException):
        return "timed out"
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    return "no answer"


def parse_metrics(text: str) -> Samples:
    """Prometheus text as `{sample name: [(labels, value), …]}`."""
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def total(samples: Samples | None, name: str, **match: str) -> float | None:
    """The sum of a metric's samples whose labels match (None when it has none)."""
    if samples is None or name not in samples:
        return None
    values = [
        value
        for labels, value in samples[name]
        if all(labels.get(key) == wanted for key, wanted in match.items())
    ]
    return sum(values) if values else None
