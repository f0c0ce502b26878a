"""The gateway's scrape-time metrics: each service's circuit breaker, the last good backup."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import orjson
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from fc_common.metrics import ScrapeCollector
from graph_gateway.clients.base import Upstream
from graph_gateway.clients.resilience import BreakerState

LAST_SUCCESS_FILE = "last-success.json"


def breaker_collector(upstreams: Callable[[], Iterable[Upstream]]) -> ScrapeCollector:
    """`fc_upstream_breaker_state{service, state}`: 1 for the state each breaker is in."""

    def collect() -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "fc_upstream_breaker_state",
            "Each service's circuit breaker: 1 for its current state (closed, open, half_open).",
            labels=["service", "state"],
        )
        for upstream in upstreams():
            current = upstream.breaker.state
            for state in BreakerState:
                family.add_metric([upstream.name, state.value], 1.0 if state is current else 0.0)
        yield family

    return collect


def backup_collector(backup_root: Path) -> ScrapeCollector:
    """`fc_backup_last_success_timestamp_seconds` from `<root>/last-success.json`, read now.

    No file (no backup yet) or an unreadable one gives no sample: the alert rules say what
    that means, rather than a made-up timestamp.
    """

    def collect() -> Iterable[Metric]:
        finished_at = last_backup_finished_at(backup_root / LAST_SUCCESS_FILE)
        if finished_at is not None:
            yield GaugeMetricFamily(
                "fc_backup_last_success_timestamp_seconds",
                "When the last successful backup finished (Unix time).",
                value=finished_at.timestamp(),
            )

    return collect


def last_backup_finished_at(path: Path) -> datetime | None:
    """The `finished_at` of a backup's success record, if it is there and readable."""
    try:
        record = orjson.loads(path.read_bytes())
        finished_at = datetime.fromisoformat(str(record["finished_at"]).replace("Z", "+00:00"))
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return finished_at if finished_at.tzinfo is not None else None
