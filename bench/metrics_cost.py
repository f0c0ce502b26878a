"""What metrics and tracing cost the gateway: the same requests through three gateways, ABCABC.

All three run side by side in front of the same services and differ only in observability:
`off` (`GATEWAY_METRICS_PORT=0`, no OTLP endpoint: nothing collected, nothing instrumented),
`metrics` (a metrics port, scraped once per run so collection is exercised) and
`metrics+tracing` (also exporting every span by OTLP/HTTP to a sink in this process). wrk
drives them in turn, run after run, so a drift of the machine hits all three alike.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.load import LoadShape, Sample
from bench.local_server import serving
from bench.measure import Bench, gateway_request_file
from bench.operations import Operation
from bench.report import markdown
from bench.stats import median
from scripts.ports import free_port
from scripts.processes import Process

VARIANTS = ("off", "metrics", "metrics+tracing")


@dataclass(frozen=True, slots=True)
class Variant:
    """One gateway of the comparison."""

    name: str
    process: Process
    metrics_url: str | None


@contextmanager
def _otlp_sink() -> Iterator[str]:
    """An OTLP/HTTP endpoint that accepts every export and keeps nothing."""

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Silent."""

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Sink)) as url:
        yield url


@contextmanager
def _variants(bench: Bench) -> Iterator[list[Variant]]:
    """The three gateways, running."""
    with ExitStack() as stack:
        sink = stack.enter_context(_otlp_sink())
        variants = []
        for name in VARIANTS:
            port = free_port() if name != "off" else 0
            extra = {"GATEWAY_METRICS_PORT": str(port)}
            if name == "metrics+tracing":
                extra.update(
                    {"OTEL_EXPORTER_OTLP_ENDPOINT": sink, "OTEL_BSP_SCHEDULE_DELAY": "1000"}
                )
            process = stack.enter_context(
                bench.another_gateway(f"gateway-{name.replace('+', '-')}", extra)
            )
            url = f"http://127.0.0.1:{port}/metrics" if port else None
            variants.append(Variant(name, process, url))
        yield variants


def _run(variant: Variant, bench: Bench, requests: Path, shape: LoadShape) -> Sample:
    sample = bench.drive(variant.process, requests, shape)
    if variant.metrics_url is not None:
        httpx.get(variant.metrics_url, timeout=10).raise_for_status()  # a scrape, as in production
    return sample


def measure_metrics_cost(bench: Bench, operations: list[Operation]) -> list[dict[str, Any]]:
    """Per operation: each variant's median gateway CPU per request and req/s, and its paired
    change against `off` (the median of run-by-run ratios)."""
    credentials = bench.signed_in()
    warmup, shape, runs = bench.plan.warmup, bench.plan.shape, bench.plan.runs
    results = []
    with _variants(bench) as variants:
        for operation in operations:
            requests = gateway_request_file(
                bench.config.workdir / "requests", operation, credentials, "cost"
            )
            for variant in variants:
                _run(variant, bench, requests, warmup)
            samples: dict[str, list[Sample]] = {v.name: [] for v in variants}
            for _ in range(runs):
                for variant in variants:
                    samples[variant.name].append(_run(variant, bench, requests, shape))
            row = _row(operation.name, samples)
            print(f"  metrics cost of {operation.name}: {row['delta_pct']}", file=sys.stderr)
            results.append(row)
    return results


def _row(name: str, samples: dict[str, list[Sample]]) -> dict[str, Any]:
    per = {v: [s.cpu_ms_per_request("gateway") for s in runs] for v, runs in samples.items()}
    rps = {v: median([s.wrk.rps for s in runs]) for v, runs in samples.items()}
    return {
        "operation": name,
        "gateway_cpu_ms_per_request": {v: round(median(c), 3) for v, c in per.items()},
        "rps": {v: round(r, 1) for v, r in rps.items()},
        # Each run against the `off` run beside it, then the median: runs seconds apart share
        # the machine's state, so pairing them cancels most of its drift.
        "delta_pct": {
            v: round(median([(a / b - 1) * 100 for a, b in zip(c, per["off"], strict=True)]), 1)
            for v, c in per.items()
            if v != "off"
        },
        "runs": {v: [round(c, 3) for c in values] for v, values in per.items()},
    }


def markdown_metrics_cost(rows: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table."""
    header = ["operation", "gateway CPU ms/request: off", "metrics", "metrics+tracing"]
    header += ["Δ metrics", "Δ metrics+tracing", "req/s off / metrics / +tracing"]
    cells = []
    for row in rows:
        cpu, delta, rps = row["gateway_cpu_ms_per_request"], row["delta_pct"], row["rps"]
        cells.append(
            [
                f"`{row['operation']}`",
                *(f"{cpu[variant]:.2f}" for variant in VARIANTS),
                *(f"{delta[variant]:+.1f} %" for variant in VARIANTS[1:]),
                " / ".join(f"{rps[variant]:.0f}" for variant in VARIANTS),
            ]
        )
    return markdown(header, cells, figures_from=1)
