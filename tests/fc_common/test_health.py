"""Readiness verdicts: critical checks make a process unready, others only degrade it."""

from __future__ import annotations

import pytest

from fc_common.health import CheckStatus, overall_status


@pytest.mark.parametrize(
    ("checks", "critical", "expected"),
    [
        ({"database": "ok", "diary": "ok"}, None, "ok"),
        ({"database": "ok", "diary": "down"}, None, "down"),
        ({"database": "ok", "diary": "down"}, {"database"}, "degraded"),
        ({"database": "down", "diary": "ok"}, {"database"}, "down"),
        ({"database": "ok", "diary": "degraded"}, {"database"}, "degraded"),
        ({}, None, "ok"),
    ],
)
def test_overall_status(
    checks: dict[str, CheckStatus], critical: set[str] | None, expected: CheckStatus
) -> None:
    assert overall_status(checks, critical) == expected
