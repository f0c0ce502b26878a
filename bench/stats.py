"""Pure helpers: read wrk's JSON summary, a process's CPU time from `/proc`, and medians."""

from __future__ import annotations

import itertools
import json
import os
import statistics
from dataclasses import dataclass
from pathlib import Path

WRK_JSON_MARKER = "BENCH_JSON "
CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")

# Fields of /proc/<pid>/stat counted after the ")" closing the command name (field 2):
# field 3 (state) is index 0 there, so utime (field 14) is 11 and stime (field 15) is 12.
_UTIME_INDEX = 11
_STIME_INDEX = 12


class BenchError(RuntimeError):
    """The benchmark cannot go on or measured something wrong; the message says what."""


@dataclass(frozen=True, slots=True)
class WrkSummary:
    """What one wrk run reports: completed requests, failures and the latency distribution."""

    requests: int
    duration_s: float
    bytes_read: int
    connect_errors: int
    read_errors: int
    write_errors: int
    status_errors: int
    timeouts: int
    latency_mean_ms: float
    latency_max_ms: float
    percentiles_ms: dict[str, float]

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def errors(self) -> int:
        """All failed requests: socket errors, non-2xx/3xx answers and timeouts."""
        return (
            self.connect_errors
            + self.read_errors
            + self.write_errors
            + self.status_errors
            + self.timeouts
        )

    def percentile_ms(self, q: str) -> float:
        """A latency percentile by its label (`"50"`, `"99"`, `"99.9"`)."""
        try:
            return self.percentiles_ms[q]
        except KeyError as exc:
            raise BenchError(f"wrk reported no p{q}") from exc


def parse_wrk_output(stdout: str) -> WrkSummary:
    """Read the JSON line the Lua `done()` prints among wrk's own output."""
    lines = [line for line in stdout.splitlines() if line.startswith(WRK_JSON_MARKER)]
    if len(lines) != 1:
        raise BenchError(f"expected one {WRK_JSON_MARKER.strip()} line from wrk, got {len(lines)}")
    try:
        raw = json.loads(lines[0][len(WRK_JSON_MARKER) :])
        errors = raw["errors"]
        latency = raw["latency_us"]
        return WrkSummary(
            requests=int(raw["requests"]),
            duration_s=int(raw["duration_us"]) / 1e6,
            bytes_read=int(raw["bytes"]),
            connect_errors=int(errors["connect"]),
            read_errors=int(errors["read"]),
            write_errors=int(errors["write"]),
            status_errors=int(errors["status"]),
            timeouts=int(errors["timeout"]),
            latency_mean_ms=float(latency["mean"]) / 1000,
            latency_max_ms=float(latency["max"]) / 1000,
            percentiles_ms={q: float(v) / 1000 for q, v in latency["percentiles"].items()},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BenchError(f"unreadable wrk summary: {lines[0]!r}") from exc


def parse_proc_stat(text: str) -> int:
    """User plus system CPU time, in clock ticks, from the text of `/proc/<pid>/stat`."""
    # The command name may hold spaces and parentheses: split after the last ")".
    _, sep, rest = text.rpartition(")")
    fields = rest.split()
    if not sep or len(fields) <= _STIME_INDEX:
        raise BenchError(f"unreadable /proc stat line: {text[:80]!r}")
    return int(fields[_UTIME_INDEX]) + int(fields[_STIME_INDEX])


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, all threads) a live process has used so far."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError as exc:
        raise BenchError(f"process {pid} is gone") from exc
    return parse_proc_stat(text) / CLOCK_TICKS_PER_SECOND


def median(values: list[float]) -> float:
    """The median of a non-empty list of measurements."""
    if not values:
        raise BenchError("no measurements to take a median of")
    return float(statistics.median(values))


def grows_at_most_linearly(points: list[tuple[int, float]], *, tolerance: float = 1.1) -> bool:
    """Whether each step from a smaller to a larger size grows the cost no faster than the size.

    `points` are (size, cost) pairs; `tolerance` absorbs measurement noise (1.1 allows 10 %).
    """
    ordered = sorted(points)
    for (n0, c0), (n1, c1) in itertools.pairwise(ordered):
        if c0 <= 0 or n0 <= 0:
            return False
        if c1 / c0 > (n1 / n0) * tolerance:
            return False
    return True
