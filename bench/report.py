"""Medians over runs, the ratios and targets the issue sets, and the table the bench prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bench.load import Sample
from bench.stats import grows_at_most_linearly, median

SERVICES = ("calendar", "diary")
MAX_GATEWAY_OVER_SERVICES = 1.0
MAX_P99_OVER_P50 = 3.0


@dataclass(frozen=True, slots=True)
class Measured:
    """Medians over the runs against one target, and the runs themselves."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: dict[str, float]
    runs: list[dict[str, Any]]

    @property
    def services_cpu_ms(self) -> float:
        """CPU ms per request both services spent together."""
        return sum(self.cpu_ms.get(s, 0.0) for s in SERVICES)


def measured(samples: list[Sample]) -> Measured:
    """Each figure the median of its own values over the runs."""
    names = samples[0].cpu_s.keys()
    runs = [
        {
            "requests": s.wrk.requests,
            "rps": round(s.wrk.rps, 1),
            "latency_ms": {q: round(v, 3) for q, v in s.wrk.percentiles_ms.items()},
            "cpu_ms_per_request": {n: round(s.cpu_ms_per_request(n), 4) for n in names},
        }
        for s in samples
    ]
    return Measured(
        requests=int(median([float(s.wrk.requests) for s in samples])),
        rps=median([s.wrk.rps for s in samples]),
        p50_ms=median([s.wrk.percentile_ms("50") for s in samples]),
        p99_ms=median([s.wrk.percentile_ms("99") for s in samples]),
        cpu_ms={n: median([s.cpu_ms_per_request(n) for s in samples]) for n in names},
        runs=runs,
    )


@dataclass(frozen=True, slots=True)
class FloorResult:
    """One direct service call of an operation's floor, measured."""

    service: str
    route: str
    measured: Measured


@dataclass(frozen=True, slots=True)
class OperationResult:
    """An operation through the gateway, its floor, and the ratios between them."""

    name: str
    upstream: dict[str, int]
    result_size: int | None
    gateway: Measured
    floor: list[FloorResult]

    @property
    def upstream_total(self) -> int:
        """Service requests per gateway request."""
        return sum(self.upstream.values())

    @property
    def floor_cpu_ms(self) -> float:
        """Service CPU ms the floor's calls cost together (each call's own service only)."""
        return sum(f.measured.cpu_ms[f.service] for f in self.floor)

    @property
    def floor_rps(self) -> float:
        """Operations per second if the floor's calls ran back to back: 1 / Σ(1 / rps)."""
        return 1 / sum(1 / f.measured.rps for f in self.floor)

    @property
    def gateway_over_services(self) -> float:
        """Gateway CPU per request over what the services spent on the same requests."""
        return self.gateway.cpu_ms["gateway"] / self.gateway.services_cpu_ms

    @property
    def p99_over_p50(self) -> float:
        """How far the tail is from the median."""
        return self.gateway.p99_ms / self.gateway.p50_ms

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form, with the derived ratios."""
        return {
            "name": self.name,
            "upstream_calls": self.upstream,
            "upstream_total": self.upstream_total,
            "result_size": self.result_size,
            "gateway": asdict(self.gateway),
            "floor": [
                {"service": f.service, "route": f.route, **asdict(f.measured)} for f in self.floor
            ],
            "floor_rps": round(self.floor_rps, 1),
            "floor_services_cpu_ms": round(self.floor_cpu_ms, 4),
            "ratios": {
                "gateway_cpu_over_services_cpu": round(self.gateway_over_services, 3),
                "gateway_cpu_over_floor_cpu": round(
                    self.gateway.cpu_ms["gateway"] / self.floor_cpu_ms, 3
                ),
                "rps_over_floor_rps": round(self.gateway.rps / self.floor_rps, 3),
                "p99_over_p50": round(self.p99_over_p50, 3),
            },
        }


def scaling(results: list[OperationResult]) -> list[dict[str, Any]]:
    """CPU per returned event for the `events(first: N)` runs, smallest N first."""
    rows = []
    for r in sorted((r for r in results if r.result_size), key=lambda r: r.result_size or 0):
        n = r.result_size or 1
        rows.append(
            {
                "n": n,
                "gateway_cpu_ms": round(r.gateway.cpu_ms["gateway"], 4),
                "gateway_cpu_us_per_event": round(r.gateway.cpu_ms["gateway"] * 1000 / n, 2),
                "services_cpu_us_per_event": round(r.gateway.services_cpu_ms * 1000 / n, 2),
            }
        )
    return rows


def targets(results: list[OperationResult]) -> dict[str, Any]:
    """Each target of the issue: met or not, with the figures that decide it."""
    sizes = [(r.result_size, r.gateway.cpu_ms["gateway"]) for r in results if r.result_size]
    return {
        "gateway_cpu_at_most_services_cpu": {
            "met": all(r.gateway_over_services <= MAX_GATEWAY_OVER_SERVICES for r in results),
            "figures": {r.name: round(r.gateway_over_services, 3) for r in results},
        },
        "upstream_calls_at_minimum": {"met": True, "asserted": "by the counting pass"},
        "p99_at_most_3x_p50": {
            "met": all(r.p99_over_p50 <= MAX_P99_OVER_P50 for r in results),
            "figures": {r.name: round(r.p99_over_p50, 2) for r in results},
        },
        "cpu_grows_at_most_linearly": {
            "met": len(sizes) < 2 or grows_at_most_linearly([(n, c) for n, c in sizes if n]),
            "figures": {str(n): round(c, 3) for n, c in sizes},
        },
    }


def markdown(header: list[str], rows: list[list[str]], *, figures_from: int | None = None) -> str:
    """A Markdown table; the columns from `figures_from` on (figures) are right-aligned."""
    first = len(header) if figures_from is None else figures_from
    rule = "|" + "|".join(["---"] * first + ["---:"] * (len(header) - first)) + "|"
    lines = ["| " + " | ".join(cells) + " |" for cells in [header, *rows]]
    return "\n".join([lines[0], rule, *lines[1:]])


def _f(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def markdown_table(results: list[OperationResult]) -> str:
    """The per-operation table (medians) as Markdown, for the console and the README."""
    header = "operation,req/s,p50 ms,p99 ms,upstream,CPU ms: gateway,calendar,diary"
    header += ",gateway/services,floor req/s,floor CPU ms,req/s vs floor"
    rows = [
        [
            r.name,
            _f(r.gateway.rps, 0),
            _f(r.gateway.p50_ms),
            _f(r.gateway.p99_ms),
            str(r.upstream_total),
            _f(r.gateway.cpu_ms["gateway"]),
            *(_f(r.gateway.cpu_ms[s]) for s in SERVICES),
            _f(r.gateway_over_services) + "×",
            _f(r.floor_rps, 0),
            _f(r.floor_cpu_ms),
            _f(r.gateway.rps / r.floor_rps) + "×",
        ]
        for r in results
    ]
    return markdown(header.split(","), rows)


def markdown_scaling(rows: list[dict[str, Any]]) -> str:
    """The CPU-per-event table of the `events(first: N)` runs."""
    header = ["N", "gateway CPU ms/request", "gateway CPU µs/event", "services CPU µs/event"]
    cells = [
        [
            str(row["n"]),
            f"{row['gateway_cpu_ms']:.2f}",
            f"{row['gateway_cpu_us_per_event']:.1f}",
            f"{row['services_cpu_us_per_event']:.1f}",
        ]
        for row in rows
    ]
    return markdown(header, cells)
