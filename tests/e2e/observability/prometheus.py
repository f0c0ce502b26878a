"""A real Prometheus (Debian's package) scraping a live stack, with the project's own config."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from scripts.ports import free_port
from scripts.processes import REPO_ROOT, Process, answers, wait_ready
from tests.support.live_stack import LiveStack

PROMETHEUS_DIR = REPO_ROOT / "deploy" / "prometheus"
PROMETHEUS_READY_S = 30.0
JOBS = {"gateway": "gateway", "calendar": "calendar", "diary": "diary"}


@dataclass(frozen=True)
class RunningPrometheus:
    """Prometheus's HTTP API on loopback."""

    url: str

    def query(self, promql: str) -> list[dict[str, Any]]:
        """An instant query's result vector."""
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=10)
        answer.raise_for_status()
        result: list[dict[str, Any]] = answer.json()["data"]["result"]
        return result

    def alerts(self) -> list[dict[str, Any]]:
        """The alerts pending or firing now."""
        answer = httpx.get(f"{self.url}/api/v1/alerts", timeout=10)
        answer.raise_for_status()
        alerts: list[dict[str, Any]] = answer.json()["data"]["alerts"]
        return alerts

    def wait_for(self, promql: str, timeout: float = 60.0) -> list[dict[str, Any]]:
        """Query until the result is not empty."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(promql)
            if result:
                return result
            assert time.monotonic() < deadline, f"no result for {promql} after {timeout:.0f}s"
            time.sleep(0.5)


def prometheus_config(stack: LiveStack, workdir: Path, *, fast_alerts: tuple[str, ...]) -> Path:
    """deploy/prometheus/prometheus.yml with the stack's metrics ports and 1 s intervals.

    The rules are alerts.yml as committed, but `fast_alerts` wait 2 s instead of their `for:`.
    """
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    config["global"].update(
        {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"}
    )
    ports = {p.name: p.metrics_port for p in stack.processes}
    for job in config["scrape_configs"]:
        for static in job["static_configs"]:
            static["targets"] = [f"127.0.0.1:{ports[job['job_name']]}"]
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule["alert"] in fast_alerts:
                rule["for"] = "2s"
    (workdir / "alerts.yml").write_text(yaml.safe_dump(rules))
    config["rule_files"] = [str(workdir / "alerts.yml")]
    path = workdir / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@contextmanager
def running_prometheus(config: Path, workdir: Path) -> Iterator[RunningPrometheus]:
    """Prometheus on a free port with its own data dir; stopped (SIGTERM) at the end."""
    executable = shutil.which("prometheus")
    assert executable, (
        "prometheus is missing: run `make prometheus` (scripts/install-prometheus.sh)"
    )
    port = free_port()
    command = (
        executable,
        f"--config.file={config}",
        f"--storage.tsdb.path={workdir / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    )
    process = Process("prometheus", "prometheus", port, workdir / "prometheus.log", command=command)
    process.start(os.environ)
    try:
        wait_ready([process], PROMETHEUS_READY_S, probe=answers("/-/ready"))
        yield RunningPrometheus(process.url)
    finally:
        process.stop()
