"""External test tools (Chromium, node, wrk): a developer without one is told; CI fails."""

from __future__ import annotations

import os

import pytest


def require(condition: bool, why: str) -> None:
    """Skip when a test tool is missing on a developer's machine; fail loudly in CI."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{why} (CI must run this test; `make test` installs it)")
    pytest.skip(why)
