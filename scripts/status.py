"""`make status`: one look at the whole system; exit 0 ok, 1 degraded, 2 down.

Reads each process's `/health`, `/health/ready` and metrics port, where the gateway's own
settings say they are (`GATEWAY_HOST`/`GATEWAY_PORT`, `GATEWAY_CALENDAR_URL`,
`GATEWAY_DIARY_URL`, `*_METRICS_PORT`). Rates are measured over `--window` seconds (between
refreshes with `--watch`). The system is down when the gateway is not alive or not ready;
degraded when any process is less than ok.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from scripts.status_probe import Probe, Samples, probe_all, targets_from_environment, total

EXIT_CODES = {"ok": 0, "degraded": 1, "down": 2}
REQUESTS = "http_server_request_duration_seconds_count"
RATE_LABELS = {
    "requests_per_s": "requests/s",
    "errors_5xx_per_s": "5xx/s",
    "graphql_errors_per_s": "GraphQL errors/s",
}


def overall(probes: list[Probe]) -> str:
    """Down without a serving gateway; degraded when anything is less than ok."""
    gateway = next(p for p in probes if p.target.name == "gateway")
    if gateway.verdict == "down":
        return "down"
    return "ok" if all(p.verdict == "ok" for p in probes) else "degraded"


def request_count(samples: Samples | None, *, errors: bool) -> float | None:
    """Requests served but health checks (only 5xx answers if `errors`)."""
    if samples is None or REQUESTS not in samples:
        return None
    return sum(
        value
        for labels, value in samples[REQUESTS]
        if not labels.get("route", "").startswith("/health")
        and (not errors or labels.get("status", "").startswith("5"))
    )


def rates(now: Probe, before: Probe | None) -> dict[str, float] | None:
    """Requests, 5xx answers and GraphQL errors per second between two scrapes."""
    if before is None or now.samples is None or before.samples is None:
        return None
    seconds = now.scraped_at - before.scraped_at
    if seconds <= 0:
        return None
    figures = {
        "requests_per_s": (request_count, {"errors": False}),
        "errors_5xx_per_s": (request_count, {"errors": True}),
    }
    result: dict[str, float] = {}
    for key, (count, kwargs) in figures.items():
        after, earlier = count(now.samples, **kwargs), count(before.samples, **kwargs)
        if after is not None and earlier is not None:
            result[key] = round(max(after - earlier, 0.0) / seconds, 3)
    graphql_now = total(now.samples, "fc_graphql_errors_total")
    graphql_before = total(before.samples, "fc_graphql_errors_total")
    if graphql_now is not None:
        result["graphql_errors_per_s"] = round(
            max(graphql_now - (graphql_before or 0.0), 0.0) / seconds, 3
        )
    return result


def describe(probe: Probe, before: Probe | None) -> dict[str, Any]:
    """One process's report, as `--json` prints it."""
    samples = probe.samples
    liveness = probe.liveness or {}
    build = (samples or {}).get("fc_build_info", [({}, 0.0)])[0][0]
    breakers = {
        labels["service"]: labels["state"]
        for labels, value in (samples or {}).get("fc_upstream_breaker_state", [])
        if value == 1.0
    }
    return {
        "status": probe.verdict,
        "url": probe.target.url,
        "live": probe.live,
        "error": probe.error,
        "version": liveness.get("version"),
        "commit": build.get("commit"),
        "uptime_s": liveness.get("uptime_s"),
        "readiness": probe.readiness,
        "breakers": breakers or None,
        "database_bytes": total(samples, "fc_database_size_bytes"),
        "image_store_bytes": total(samples, "fc_diary_image_store_bytes"),
        "disk_free_bytes": total(samples, "fc_data_disk_free_bytes"),
        "rates": rates(probe, before),
        "metrics_url": probe.target.metrics_url,
        "metrics_error": probe.metrics_error,
    }


def report(probes: list[Probe], before: list[Probe] | None) -> dict[str, Any]:
    """The whole system's report."""
    earlier = {p.target.name: p for p in before or []}
    status = overall(probes)
    return {
        "status": status,
        "exit_code": EXIT_CODES[status],
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "processes": {p.target.name: describe(p, earlier.get(p.target.name)) for p in probes},
    }


def render(summary: dict[str, Any]) -> str:
    """The report for a terminal."""
    lines = [f"Fortune Compass: {summary['status'].upper()}  ({summary['checked_at']})"]
    for name, process in summary["processes"].items():
        head = f"  {name:<9} {process['status']:<9}"
        if not process["live"]:
            lines.append(f"{head}{process['url']}: {process['error']}")
            continue
        uptime = _duration(process["uptime_s"])
        lines.append(f"{head}v{process['version']} ({process['commit'] or '?'}), up {uptime}")
        readiness = process["readiness"] or {}
        checks = ", ".join(f"{k} {v}" for k, v in (readiness.get("checks") or {}).items())
        lines.append(f"            ready: {readiness.get('status', '?')} ({checks})")
        if process["breakers"]:
            states = ", ".join(f"{k} {v}" for k, v in process["breakers"].items())
            lines.append(f"            breakers: {states}")
        sizes = [
            f"{label} {_bytes(process[key])}"
            for label, key in (
                ("database", "database_bytes"),
                ("images", "image_store_bytes"),
                ("disk free", "disk_free_bytes"),
            )
            if process[key] is not None
        ]
        if sizes:
            lines.append("            " + ", ".join(sizes))
        if process["rates"]:
            rates = ", ".join(f"{RATE_LABELS[k]} {v}" for k, v in process["rates"].items())
            lines.append(f"            {rates}")
        if process["metrics_error"]:
            lines.append(f"            metrics: {process['metrics_error']}")
    return "\n".join(lines)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m {secs}s"


def _bytes(value: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns at GB


async def run(args: argparse.Namespace) -> int:
    """Probe, print, and (with `--watch`) again every `--interval` seconds."""
    targets = targets_from_environment()
    async with httpx.AsyncClient(timeout=args.timeout) as client:
        before = await probe_all(client, targets)
        while True:
            await asyncio.sleep(args.interval if args.watch else args.window)
            probes = await probe_all(client, targets)
            summary = report(probes, before)
            if args.json:
                print(orjson.dumps(summary).decode(), flush=True)
            else:
                clear = "\x1b[2J\x1b[H" if args.watch and sys.stdout.isatty() else ""
                print(clear + render(summary), flush=True)
            if not args.watch:
                return int(summary["exit_code"])
            before = probes


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(prog="make status", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per report")
    parser.add_argument("--watch", action="store_true", help="refresh until Ctrl-C")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between refreshes")
    parser.add_argument("--window", type=float, default=1.0, help="seconds rates are taken over")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per HTTP request")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
