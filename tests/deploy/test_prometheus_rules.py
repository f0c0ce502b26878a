"""`promtool` checks the Prometheus config and the alert rules, and runs the alerts' unit tests."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from scripts.processes import REPO_ROOT

PROMETHEUS_DIR = REPO_ROOT / "deploy" / "prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    """Run promtool (installed by `make prometheus`; its absence fails, never skips)."""
    executable = shutil.which("promtool")
    assert executable, "promtool is missing: run `make prometheus` (scripts/install-prometheus.sh)"
    return subprocess.run(
        [executable, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        ("check", "config", str(PROMETHEUS_DIR / "prometheus.yml")),
        ("check", "rules", str(PROMETHEUS_DIR / "alerts.yml")),
        ("test", "rules", str(PROMETHEUS_DIR / "tests" / "alerts_test.yml")),
    ],
    ids=["check-config", "check-rules", "test-rules"],
)
def test_promtool(command: tuple[str, ...]) -> None:
    """The config and rules are valid, and every alert's unit tests pass."""
    result = promtool(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_firing_and_not() -> None:
    """Each alert in alerts.yml has a test where it fires and one where it must not."""
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    tests = yaml.safe_load((PROMETHEUS_DIR / "tests" / "alerts_test.yml").read_text())
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    firing: set[str] = set()
    silent: set[str] = set()
    for case in tests["tests"]:
        for check in case["alert_rule_test"]:
            (firing if check["exp_alerts"] else silent).add(check["alertname"])
    assert alerts - firing == set(), "alerts never tested firing"
    assert alerts - silent == set(), "alerts never tested silent"
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["annotations"].get("runbook"), f"{rule['alert']} has no runbook line"
