"""`make status` against a healthy, a degraded (a service stopped) and a down stack."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from scripts.processes import REPO_ROOT
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

PROCESS_KEYS = {
    "status", "url", "live", "error", "version", "commit", "uptime_s", "readiness", "breakers",
    "database_bytes", "image_store_bytes", "disk_free_bytes", "rates", "metrics_url",
    "metrics_error",
}  # fmt: skip


def status(stack: LiveStack, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.status` (what `make status` runs) with the stack's own settings."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.status", "--window", "0.3", *args],
        cwd=REPO_ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def report(stack: LiveStack) -> tuple[int, dict[str, Any]]:
    """The exit code and the `--json` report."""
    result = status(stack, "--json")
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def test_a_healthy_stack_is_ok(stack: LiveStack) -> None:
    code, summary = report(stack)
    assert code == 0 and summary["status"] == "ok" and summary["exit_code"] == 0
    assert set(summary["processes"]) == {"gateway", "calendar", "diary"}
    for name, process in summary["processes"].items():
        assert set(process) == PROCESS_KEYS, name
        assert process["status"] == "ok" and process["live"] is True
        assert process["version"] and process["commit"] and process["uptime_s"] > 0
        assert process["readiness"]["status"] == "ok"
        assert process["database_bytes"] > 0 and process["disk_free_bytes"] > 0
        assert process["rates"] is not None and process["metrics_error"] is None
    assert summary["processes"]["gateway"]["breakers"] == {"calendar": "closed", "diary": "closed"}
    assert summary["processes"]["diary"]["image_store_bytes"] == 0

    text = status(stack)
    assert text.returncode == 0
    assert text.stdout.startswith("Fortune Compass: OK")
    assert "breakers: calendar closed, diary closed" in text.stdout


def test_watch_refreshes_until_stopped(stack: LiveStack) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "scripts.status", "--watch", "--json", "--interval", "0.2"],
        cwd=REPO_ROOT,
        env=stack.env,
        stdout=subprocess.PIPE,
        text=True,
    ) as watch:
        assert watch.stdout is not None
        reports = [json.loads(watch.stdout.readline()) for _ in range(3)]
        watch.terminate()
    assert [r["status"] for r in reports] == ["ok", "ok", "ok"]
    assert all(r["processes"]["gateway"]["rates"]["requests_per_s"] >= 0 for r in reports)


def test_a_stopped_service_makes_it_degraded(stack: LiveStack) -> None:
    stack.calendar.stop()
    code, summary = report(stack)
    assert code == 1 and summary["status"] == "degraded"
    calendar = summary["processes"]["calendar"]
    assert calendar["status"] == "down" and calendar["live"] is False
    assert calendar["error"] == "connection refused"
    gateway = summary["processes"]["gateway"]
    assert gateway["status"] == "degraded"
    assert gateway["readiness"]["checks"]["calendar"] == "down"
    assert summary["processes"]["diary"]["status"] == "ok"
    assert "calendar  down" in status(stack).stdout


def test_a_stack_without_its_gateway_is_down(stack: LiveStack) -> None:
    stack.stop()
    code, summary = report(stack)
    assert code == 2 and summary["status"] == "down"
    assert {p["status"] for p in summary["processes"].values()} == {"down"}
    assert status(stack).returncode == 2
