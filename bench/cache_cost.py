"""The month view from the response cache: the same requests through two gateways, ABAB.

Both run side by side in front of the same services: `off` (no response cache: every request
executes, two upstream calls) and `hit` (`GATEWAY_RESPONSE_CACHE_URI` on a Redis key prefix of
this run only; after the first request every one is a hit). wrk drives them in turn, run after
run. The hits are checked in the cached gateway's own metrics, so a Redis that was not there
(every request a bypass) fails the bench instead of passing for a cache.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.load import Sample
from bench.measure import Bench, gateway_request_file
from bench.operations import Operation
from bench.report import markdown
from bench.stats import BenchError, median
from scripts.ports import free_port
from scripts.processes import Process

MONTH_VIEW = "days(31 days)"
REDIS_URL = "redis://127.0.0.1:6379/10"
VARIANTS = ("off", "hit")


def _hits(metrics_url: str) -> float:
    """The cached gateway's response cache hits so far."""
    text = httpx.get(metrics_url, timeout=10).raise_for_status().text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "fc_response_cache_requests_total" and sample.labels == {
                "result": "hit"
            }:
                return sample.value
    return 0.0


@contextmanager
def _gateways(bench: Bench) -> Iterator[tuple[dict[str, Process], str]]:
    """The two gateways, running; and the cached one's metrics URL."""
    metrics_port = free_port()
    cached = {
        "GATEWAY_RESPONSE_CACHE_URI": REDIS_URL,
        "GATEWAY_RESPONSE_CACHE_KEY_PREFIX": f"fc:rc:bench:{secrets.token_hex(8)}:",
        "GATEWAY_METRICS_PORT": str(metrics_port),
    }
    with ExitStack() as stack:
        processes = {
            name: stack.enter_context(
                bench.another_gateway(
                    f"gateway-cache-{name}",
                    {"GATEWAY_METRICS_PORT": "0", **(cached if name == "hit" else {})},
                )
            )
            for name in VARIANTS
        }
        yield processes, f"http://127.0.0.1:{metrics_port}/metrics"


def measure_cache_cost(bench: Bench, operations: list[Operation]) -> list[dict[str, Any]]:
    """The month view's gateway CPU per request, req/s and latency, uncached and on a hit."""
    month = [op for op in operations if op.name == MONTH_VIEW]
    if not month:
        return []
    operation = month[0]
    plan = bench.plan
    requests = gateway_request_file(
        bench.config.workdir / "requests", operation, bench.signed_in(), "cache"
    )
    samples: dict[str, list[Sample]] = {name: [] for name in VARIANTS}
    with _gateways(bench) as (gateways, metrics_url):
        for name in VARIANTS:
            bench.drive(gateways[name], requests, plan.warmup)
        hits_before = _hits(metrics_url)
        for _ in range(plan.runs):
            for name in VARIANTS:
                samples[name].append(bench.drive(gateways[name], requests, plan.shape))
        hits = _hits(metrics_url) - hits_before
        served = sum(s.wrk.requests for s in samples["hit"])
        if hits < served:
            raise BenchError(f"the cached gateway served {served} requests but {hits:.0f} hits")
    row = _row(operation.name, samples)
    cpu = row["gateway_cpu_ms_per_request"]
    print(f"  response cache on {operation.name}: gateway CPU ms {cpu}", file=sys.stderr)
    return [row]


def _row(name: str, samples: dict[str, list[Sample]]) -> dict[str, Any]:
    def per_variant(figure: Callable[[Sample], float], digits: int = 3) -> dict[str, float]:
        return {v: round(median([figure(s) for s in runs]), digits) for v, runs in samples.items()}

    return {
        "operation": name,
        "gateway_cpu_ms_per_request": per_variant(lambda s: s.cpu_ms_per_request("gateway")),
        "services_cpu_ms_per_request": per_variant(
            lambda s: s.cpu_ms_per_request("calendar") + s.cpu_ms_per_request("diary")
        ),
        "rps": per_variant(lambda s: s.wrk.rps, 1),
        "p50_ms": per_variant(lambda s: s.wrk.percentile_ms("50")),
        "p99_ms": per_variant(lambda s: s.wrk.percentile_ms("99")),
    }


def markdown_cache_cost(rows: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table: one line per variant."""
    header = ["operation", "gateway CPU ms/request", "services CPU ms/request", "req/s"]
    header += ["p50 ms", "p99 ms"]
    cells = []
    for row in rows:
        for variant in VARIANTS:
            label = "uncached" if variant == "off" else "response cache hit"
            cells.append(
                [
                    f"`{row['operation']}` ({label})",
                    f"{row['gateway_cpu_ms_per_request'][variant]:.2f}",
                    f"{row['services_cpu_ms_per_request'][variant]:.2f}",
                    f"{row['rps'][variant]:.0f}",
                    f"{row['p50_ms'][variant]:.1f}",
                    f"{row['p99_ms'][variant]:.1f}",
                ]
            )
    return markdown(header, cells, figures_from=1)
