"""What the bench ran on and at which commit, recorded beside every result."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from scripts.processes import REPO_ROOT


def _first_value(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def _command_output(*command: str) -> str | None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=REPO_ROOT, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (result.stdout or result.stderr).strip()
    # `wrk --version` exits 1 after printing its version; other failures print no version.
    if result.returncode != 0 and not text.startswith("wrk "):
        return None
    return text.splitlines()[0].split(" Copyright")[0] if text else None


def _memory_gib() -> float | None:
    total = _first_value("/proc/meminfo", "MemTotal")  # "24684084 kB"
    if total is None or not total.split()[0].isdigit():
        return None
    return round(int(total.split()[0]) / 1024 / 1024, 1)


def machine_info() -> dict[str, Any]:
    """CPU model and count, memory, kernel, Python and wrk versions."""
    return {
        "cpu": _first_value("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": _command_output("wrk", "--version"),
    }


def git_revision() -> dict[str, Any]:
    """The commit measured, and whether tracked files differed from it."""
    status = _command_output("git", "status", "--porcelain", "--untracked-files=no")
    return {"commit": _command_output("git", "rev-parse", "HEAD"), "dirty": bool(status)}
