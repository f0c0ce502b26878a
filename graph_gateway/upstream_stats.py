"""How many calls each service got during one request, and how long they took (its log line)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(slots=True)
class ServiceCalls:
    """Calls made to one service during one request."""

    count: int = 0
    total_ms: float = 0.0


@dataclass(slots=True)
class UpstreamStats:
    """Upstream calls made by one request, per service, for its log line."""

    services: dict[str, ServiceCalls] = field(default_factory=dict)

    def record(self, service: str, elapsed_s: float) -> None:
        """Count one call (each attempt counts) and its duration."""
        calls = self.services.setdefault(service, ServiceCalls())
        calls.count += 1
        calls.total_ms += elapsed_s * 1000

    def as_log_fact(self) -> dict[str, dict[str, float]]:
        """`{"calendar": {"count": 2, "total_ms": 12.3}, ...}`."""
        return {
            name: {"count": calls.count, "total_ms": round(calls.total_ms, 2)}
            for name, calls in self.services.items()
        }


_stats_var: ContextVar[UpstreamStats | None] = ContextVar("fc_upstream_stats", default=None)


@contextmanager
def tracking_upstream_calls() -> Iterator[UpstreamStats]:
    """Collect the upstream calls made inside (one request) into a fresh `UpstreamStats`."""
    stats = UpstreamStats()
    token = _stats_var.set(stats)
    try:
        yield stats
    finally:
        _stats_var.reset(token)


def record_upstream_call(service: str, elapsed_s: float) -> None:
    """Add a call to the current request's stats, if one is being tracked."""
    stats = _stats_var.get()
    if stats is not None:
        stats.record(service, elapsed_s)
