"""Run wrk against one target and measure what every process spent while it ran."""

from __future__ import annotations

import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.procs import cpu_seconds
from bench.stats import BenchError, WrkSummary, parse_wrk_output
from scripts.processes import Process

LUA_SCRIPT = Path(__file__).resolve().parent / "lua" / "replay.lua"
WRK_TIMEOUT = "5s"


@dataclass(frozen=True, slots=True)
class LoadShape:
    """How hard and how long wrk drives a target (the command line's flags say how much)."""

    connections: int
    threads: int
    duration_s: int


@dataclass(frozen=True, slots=True)
class Sample:
    """One wrk run: its summary and the CPU seconds each process (and wrk) spent during it."""

    wrk: WrkSummary
    cpu_s: dict[str, float]

    def cpu_ms_per_request(self, name: str) -> float:
        """CPU milliseconds a process spent per completed request."""
        if self.wrk.requests == 0:
            raise BenchError("wrk completed no request")
        return self.cpu_s[name] * 1000 / self.wrk.requests


def wrk_path() -> str:
    """Where wrk is; a clear error when it is not installed."""
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(
            "wrk is not installed: run `bash scripts/install-wrk.sh` (or `make bench`)"
        )
    return path


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    *,
    base_url: str,
    request_file: Path,
    shape: LoadShape,
    processes: dict[str, Process],
) -> Sample:
    """Drive `base_url` with the requests in `request_file`; fail on any failed request."""
    command = [
        wrk_path(),
        f"--threads={shape.threads}",
        f"--connections={shape.connections}",
        f"--duration={shape.duration_s}s",
        f"--timeout={WRK_TIMEOUT}",
        f"--script={LUA_SCRIPT}",
        base_url,
        "--",
        str(request_file),
    ]
    before = {name: cpu_seconds(proc) for name, proc in processes.items()}
    wrk_before = _children_cpu_s()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wrk_cpu = _children_cpu_s() - wrk_before
    after = {name: cpu_seconds(proc) for name, proc in processes.items()}
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr.strip()[:500]}")
    summary = parse_wrk_output(result.stdout)
    if summary.errors:
        raise BenchError(
            f"{summary.errors} failed requests against {base_url} ({request_file.name}): "
            f"{summary.status_errors} non-2xx, {summary.timeouts} timeouts, "
            f"{summary.connect_errors + summary.read_errors + summary.write_errors} socket errors"
        )
    cpu = {name: after[name] - before[name] for name in processes}
    cpu["wrk"] = wrk_cpu
    return Sample(wrk=summary, cpu_s=cpu)
