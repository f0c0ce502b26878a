"""What the response cache tests share: a gateway with the cache on (its own Redis key prefix, so
parallel runs never meet), and the cache's counters."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from graph_gateway.response_cache.metrics import INVALIDATIONS, LOOKUPS, STORES
from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, running_gateway

REDIS_URL = "redis://127.0.0.1:6379/11"


def cache_settings(settings: GatewaySettings, **overrides: Any) -> GatewaySettings:
    """`settings` with the response cache on, under a key prefix no other run uses."""
    values = {
        **settings.model_dump(),
        "response_cache_uri": REDIS_URL,
        "response_cache_key_prefix": f"fc:rc:test:{secrets.token_hex(8)}:",
        # Revocations seen at once (the in-process gateway is its own only replica anyway).
        "auth_cache_ttl_s": 0.0,
        # No tag sync calls in the middle of a test counting upstream calls.
        "tag_sync_interval_s": 3600.0,
        **overrides,
    }
    return GatewaySettings.model_validate(values)


@asynccontextmanager
async def cached_gateway(
    settings: GatewaySettings,
    make_database_url: DatabaseUrlFactory,
    tmp_path: Path,
    **overrides: Any,
) -> AsyncIterator[Gateway]:
    """The in-process gateway (real services) with the response cache on."""
    async with running_gateway(
        cache_settings(settings, **overrides), make_database_url, tmp_path / "images"
    ) as gateway:
        yield gateway


COUNTERS = {"requests": LOOKUPS, "stores": STORES, "invalidations": INVALIDATIONS}


def counted(name: str, **labels: str) -> float:
    """A response cache counter's current value (0 before its first increment).

    Read from the counter itself: a scrape of the whole registry would run the gateway's
    scrape-time collectors (and their calls) in the middle of a test counting calls.
    """
    for metric in COUNTERS[name].collect():
        for sample in metric.samples:
            if sample.name.endswith("_total") and sample.labels == labels:
                return sample.value
    return 0.0


def upstream_calls(gateway: Gateway) -> int:
    """The requests that reached the calendar and the diary since the last reset."""
    return len(gateway.calendar.calls) + len(gateway.diary.calls)
