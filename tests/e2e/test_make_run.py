"""`make run`'s script end to end: start, seed, serve, stop on Ctrl-C; run twice, no duplicates."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
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

from scripts.demo_data import SEOUL, TAGS, demo_entries, demo_events
from scripts.ports import free_port
from scripts.processes import REPO_ROOT, without_settings
from scripts.seed import demo_months
from tests.e2e.conftest import DatabaseSet
from tests.support.live_stack import FAST_PASSWORD_HASHING

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
    pending: queue.Queue[str | None] | None = field(default=None, repr=False)

    def take(self, line: str) -> None:
        """Record a printed line and what it announces (a child's pid, the URL, the token)."""
        self.lines.append(line)
        if found := re.search(r"\(pid (\d+)\)", line):
            self.child_pids.append(int(found.group(1)))
        if found := re.search(r"GraphiQL:\s+(\S+)", line):
            self.graphiql_url = found.group(1)
        if found := re.search(r"Authorization: Bearer (\S+)", line):
            self.token = found.group(1)

    def output(self) -> str:
        """Everything printed so far (reading what is waiting first)."""
        while self.pending is not None and not self.pending.empty():
            line = self.pending.get_nowait()
            if line is None:
                self.pending.put(None)  # the end stays visible to `run_all`'s final drain
                break
            self.take(line)
        return "\n".join(self.lines)


def _reader(stream: Iterator[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


@contextmanager
def run_all(env: dict[str, str], *, until_banner: bool = True) -> Iterator[RunAll]:
    """Start the script (waiting for its banner if asked); make sure it is gone afterwards."""
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
    run = RunAll(popen, pending=lines)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while until_banner and not run.token:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"run_all exited before its banner:\n{run.output()}"
            run.take(line)
        yield run
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait()
        while (line := lines.get(timeout=5)) is not None:
            run.take(line)
        popen.stdout.close()


def run_env(tmp_path: Path, databases: dict[str, str], ports: dict[str, int]) -> dict[str, str]:
    """The environment `make run` would see, with free ports and this test's databases."""
    env = without_settings()
    env.update({name: str(port) for name, port in ports.items()})
    env.update(
        {
            "FC_ENVIRONMENT": "development",
            "FC_DATA_DIR": str(tmp_path / "data"),
            "CALENDAR_DATABASE_URL": databases["calendar"],
            "DIARY_DATABASE_URL": databases["diary"],
            "GATEWAY_DATABASE_URL": databases["gateway"],
            "NO_COLOR": "1",
            # Metrics off: the defaults (9100-9102) would collide with parallel runs.
            "CALENDAR_METRICS_PORT": "0",
            "DIARY_METRICS_PORT": "0",
            "GATEWAY_METRICS_PORT": "0",
            **FAST_PASSWORD_HASHING,
        }
    )
    return env


def free_ports() -> dict[str, int]:
    """A free loopback port for each process."""
    return {"GATEWAY_PORT": free_port(), "CALENDAR_PORT": free_port(), "DIARY_PORT": free_port()}


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


def stop_with(run: RunAll, signum: signal.Signals) -> float:
    """Send a signal, wait for the script; return how long it took."""
    started = time.monotonic()
    run.popen.send_signal(signum)
    run.popen.wait(timeout=STOP_TIMEOUT_S + 5)
    return time.monotonic() - started


def test_make_run_serves_seeds_once_and_stops_on_a_signal(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    """Two runs on the same data: the second adds nothing; Ctrl-C, then SIGTERM, stop all three."""
    ports = free_ports()
    env = run_env(tmp_path, make_databases("run"), ports)

    seen: list[tuple[int, int, int]] = []
    for attempt, signum in ((1, signal.SIGINT), (2, signal.SIGTERM)):
        with run_all(env) as run:
            assert run.graphiql_url == f"http://127.0.0.1:{ports['GATEWAY_PORT']}/graphql"
            assert "demo@fortune-compass.local" in run.output()
            for prefix in ("[calendar]", "[diary]", "[gateway]"):
                assert any(line.startswith(prefix) for line in run.lines), prefix
            seen.append(counts(run))
            assert len(run.child_pids) == 3
            took = stop_with(run, signum)
        assert run.popen.returncode == 0, run.output()
        assert took < STOP_TIMEOUT_S, f"stopping took {took:.1f}s"
        assert [pid for pid in run.child_pids if alive(pid)] == []
        if attempt == 2:
            assert "0 tags, 0 events, 0 diary entries created" in run.output()

    months = demo_months(datetime.now(SEOUL).date())
    expected = (
        sum(len(list(demo_events(month))) for month in months),
        sum(len(list(demo_entries(month))) for month in months),
        len(TAGS),
    )
    assert seen == [expected, expected]


def test_make_run_names_the_holder_of_a_taken_port_and_starts_nothing(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    """The gateway's port is taken (by this test): the script says by whom, starts nothing,
    prints no banner and exits 1."""
    ports = free_ports()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports["GATEWAY_PORT"]))
        squatter.listen()
        with run_all(run_env(tmp_path, make_databases("busy"), ports), until_banner=False) as run:
            run.popen.wait(timeout=START_TIMEOUT_S)
    assert run.popen.returncode == 1, run.output()
    holder = f"port {ports['GATEWAY_PORT']} (gateway) is taken by pid {os.getpid()} ("
    assert holder in run.output(), run.output()
    assert "GATEWAY_PORT" in run.output()
    assert "Fortune Compass is running" not in run.output()
    assert run.child_pids == []
