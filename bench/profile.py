"""Sample a process with py-spy while wrk drives it, and name the frames the CPU went to."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.stats import BenchError

SAMPLE_RATE_HZ = 250
_LINE_NUMBER = re.compile(r":\d+\)$")


@dataclass(frozen=True, slots=True)
class FrameShare:
    """A function and the share of the samples it was on the stack (or on top of it)."""

    frame: str
    share: float


@dataclass(frozen=True, slots=True)
class Profile:
    """Where a process spent its CPU: by function on top of the stack, and anywhere in it."""

    samples: int
    self_time: list[FrameShare]
    inclusive: list[FrameShare]


def py_spy_path() -> str:
    """The py-spy binary of the project's environment, or a clear error."""
    beside_python = Path(sys.executable).parent / "py-spy"
    found = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if found is None:
        raise BenchError("py-spy is not installed: `make venv` installs the dev group")
    return found


def _frame_name(frame: str) -> str:
    """`resolve (graph_gateway/types/event.py:42)` → `resolve (graph_gateway/types/event.py)`."""
    frame = _LINE_NUMBER.sub(")", frame.strip())
    # Keep the package-relative path: site-packages/strawberry/... reads better as strawberry/...
    return re.sub(r"\(.*?(?:site-packages|lib/python3\.\d+)/", "(", frame)


def summarize(collapsed: str, *, top: int = 15) -> Profile:
    """Read py-spy's collapsed stacks (`a;b;c 12` per line) into the top frames."""
    self_counts: Counter[str] = Counter()
    inclusive_counts: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(f) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        total += count
        self_counts[frames[-1]] += count
        for frame in set(frames):
            inclusive_counts[frame] += count
    if total == 0:
        raise BenchError("py-spy recorded no samples")
    return Profile(
        samples=total,
        self_time=[FrameShare(f, round(n / total, 4)) for f, n in self_counts.most_common(top)],
        inclusive=[
            FrameShare(f, round(n / total, 4)) for f, n in inclusive_counts.most_common(top)
        ],
    )


def start_recording(pid: int, output: Path, *, duration_s: int) -> subprocess.Popen[bytes]:
    """Start sampling `pid` for `duration_s` into `output` (collapsed stacks); wait on it after."""
    return subprocess.Popen(
        [
            py_spy_path(),
            "record",
            f"--pid={pid}",
            f"--duration={duration_s}",
            f"--rate={SAMPLE_RATE_HZ}",
            "--format=raw",
            "--function",
            f"--output={output}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish_recording(recorder: subprocess.Popen[bytes], output: Path) -> Profile:
    """Wait for py-spy to finish and summarize what it wrote."""
    _, stderr = recorder.communicate(timeout=120)
    if recorder.returncode != 0 or not output.exists():
        raise BenchError(f"py-spy failed ({recorder.returncode}): {stderr.decode()[-500:]}")
    return summarize(output.read_text(errors="replace"))
