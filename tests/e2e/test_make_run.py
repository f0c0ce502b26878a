"""`make run`'s script end to end: start, seed, serve, stop on Ctrl-C; run twice, no duplicates."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from scripts.seed import SEOUL, TAGS, demo_entries, demo_events
from tests.e2e.conftest import DatabaseSet
from tests.e2e.live import FAST_PASSWORD_HASHING, REPO_ROOT, SETTINGS_PREFIXES, free_port

START_TIMEOUT_S = 150.0
STOP_TIMEOUT_S = 10.0
COUNTS = "{ events(first: 1) { totalCount } diaryEntries(first: 1) { totalCount } tags { id } }"


@dataclass
class RunAll:
    """A running `python -m scripts.run_all` and what it printed."""

    popen: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    graphiql_url: str = ""
    token: str = ""
    child_pids: list[int] = field(default_factory=list)

    def output(self) -> str:
        """Everything printed so far."""
        return "\n".join(self.lines)


def _reader(stream: Iterator[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


@contextmanager
def run_all(env: dict[str, str]) -> Iterator[RunAll]:
    """Start the script, wait for its banner, and always make sure it is gone afterwards."""
    popen = subprocess.Popen(
        [sys.executable, "-m", "scripts.run_all"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert popen.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(popen.stdout, lines), daemon=True).start()
    run = RunAll(popen)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not run.token:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"run_all exited before its banner:\n{run.output()}"
            run.lines.append(line)
            if found := re.search(r"\(pid (\d+)\)", line):
                run.child_pids.append(int(found.group(1)))
            if found := re.search(r"GraphiQL:\s+(\S+)", line):
                run.graphiql_url = found.group(1)
            if found := re.search(r"Authorization: Bearer (\S+)", line):
                run.token = found.group(1)
        yield run
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait()
        while (line := lines.get(timeout=5)) is not None:
            run.lines.append(line)
        popen.stdout.close()


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def counts(run: RunAll) -> tuple[int, int, int]:
    """The demo account's events, entries and tags, asked through the printed URL and token."""
    response = httpx.post(
        run.graphiql_url,
        json={"query": COUNTS},
        headers={"Authorization": f"Bearer {run.token}"},
        timeout=30,
    )
    data = response.json()["data"]
    return data["events"]["totalCount"], data["diaryEntries"]["totalCount"], len(data["tags"])


def stop_with_ctrl_c(run: RunAll) -> float:
    """Send SIGINT, wait for the script; return how long it took."""
    started = time.monotonic()
    run.popen.send_signal(signal.SIGINT)
    run.popen.wait(timeout=STOP_TIMEOUT_S + 5)
    return time.monotonic() - started


def test_make_run_serves_seeds_once_and_stops_on_ctrl_c(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    """Two runs on the same data: the second adds nothing, and Ctrl-C stops all three quickly."""
    ports = {"GATEWAY_PORT": free_port(), "CALENDAR_PORT": free_port(), "DIARY_PORT": free_port()}
    databases = make_databases("run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    env.update({name: str(port) for name, port in ports.items()})
    env.update(
        {
            "FC_ENVIRONMENT": "development",
            "FC_DATA_DIR": str(tmp_path / "data"),
            "CALENDAR_DATABASE_URL": databases["calendar"],
            "DIARY_DATABASE_URL": databases["diary"],
            "GATEWAY_DATABASE_URL": databases["gateway"],
            "NO_COLOR": "1",
            **FAST_PASSWORD_HASHING,
        }
    )

    seen: list[tuple[int, int, int]] = []
    for attempt in (1, 2):
        with run_all(env) as run:
            assert run.graphiql_url == f"http://127.0.0.1:{ports['GATEWAY_PORT']}/graphql"
            assert "demo@fortune-compass.local" in run.output()
            for prefix in ("[calendar]", "[diary]", "[gateway]"):
                assert any(line.startswith(prefix) for line in run.lines), prefix
            seen.append(counts(run))
            assert len(run.child_pids) == 3
            took = stop_with_ctrl_c(run)
        assert run.popen.returncode == 0, run.output()
        assert took < STOP_TIMEOUT_S, f"stopping took {took:.1f}s"
        assert [pid for pid in run.child_pids if alive(pid)] == []
        if attempt == 2:
            assert "0 tags, 0 events, 0 diary entries created" in run.output()

    month = datetime.now(SEOUL).date().replace(day=1)
    expected = (len(list(demo_events(month))), len(list(demo_entries(month))), len(TAGS))
    assert seen == [expected, expected]
