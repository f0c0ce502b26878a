"""The one way our processes are run: start with an environment, wait until ready, stop, kill.

`make run` (`scripts/run_all.py` through `scripts/supervise.py`), the bench (`bench/procs.py`) and
the tests (`tests/support/`) all launch `python -m calendar_svc`, `diary_svc` and `graph_gateway`
through `Process`: configured by environment variables only, as an operator would; output to a log
file (bench, tests) or line by line to a callback (`make run`'s prefixed console); ready when
`/health/ready` answers 200 from the process still running; stopped with SIGTERM and a grace
period before SIGKILL. It lives in `scripts/` (not `tests/`): `make run` and the bench use it too.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
LOG_TAIL_LINES = 80
PUMP_DRAIN_S = 5.0
SETTINGS_PREFIXES = ("FC_", "GATEWAY_", "CALENDAR_", "DIARY_")
PROCESSES = (("calendar", "calendar_svc"), ("diary", "diary_svc"), ("gateway", "graph_gateway"))
"""Each process's name and module, in start order: the gateway needs the other two."""
_PR_SET_PDEATHSIG = 1

Probe = Callable[[httpx.Client, "Process"], bool]


class ProcessError(RuntimeError):
    """A process exited, or did not become ready in time."""


def without_settings(prefixes: tuple[str, ...] = SETTINGS_PREFIXES) -> dict[str, str]:
    """This environment minus our settings, so that only what a launcher sets configures."""
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send `signum` to this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def answers(path: str) -> Probe:
    """A probe: whether `GET <path>` answers 200."""

    def probe(client: httpx.Client, process: Process) -> bool:
        return client.get(f"{process.url}{path}").status_code == 200

    return probe


health_ready = answers("/health/ready")
"""Our processes' readiness: their dependencies are reachable."""


@dataclass
class Process:
    """One child process: what it runs, where it listens, where its output goes."""

    name: str
    module: str
    port: int
    log_path: Path | None = None
    """Its output is appended here; without one, each line goes to `echo`."""
    metrics_port: int = 0
    host: str = "127.0.0.1"
    command: Sequence[str] = ()
    """What to run instead of `python -m <module>` (the bench's node reference gateway)."""
    echo: Callable[[str], None] | None = None
    detached: bool = False
    """In its own session (a terminal's Ctrl-C reaches only us) and killed when we die.

    Start a detached process from the main thread: the kernel sends the parent-death signal
    when the thread that started it ends, not the process."""
    daemon: bool = False
    """In its own session and not tied to us: it keeps running after we exit (the cluster's
    replicas, started by one `python -m cluster` command and stopped by another)."""
    cwd: Path = REPO_ROOT
    """Where it runs: the checkout whose code it runs (a cluster runs a given release)."""
    popen: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    _log: IO[bytes] | None = field(default=None, repr=False)
    _signalled: bool = field(default=False, repr=False)
    _pump: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def metrics_url(self) -> str:
        """Its Prometheus endpoint."""
        return f"http://{self.host}:{self.metrics_port}/metrics"

    @property
    def pid(self) -> int:
        """Its process id (it must have been started)."""
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    @property
    def running(self) -> bool:
        """Whether it was started and has not exited."""
        return self.popen is not None and self.popen.poll() is None

    def start(self, env: Mapping[str, str]) -> None:
        """Launch it (again) with exactly `env`."""
        self._close_log()
        self._signalled = False
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 - our own command line, no shell
            list(self.command) or [sys.executable, "-m", self.module],
            cwd=self.cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log or subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=self.detached or self.daemon,
            preexec_fn=die_with_parent if self.detached else None,
        )
        self.started_at = time.monotonic()
        if self._log is None:
            self._pump = threading.Thread(target=self._echo, args=(self.popen,), daemon=True)
            self._pump.start()

    def _echo(self, popen: subprocess.Popen[bytes]) -> None:
        assert popen.stdout is not None
        with popen.stdout:
            for raw in popen.stdout:
                line = raw.decode("utf-8", errors="replace").rstrip()
                if self.echo is not None:
                    self.echo(line)

    def terminate(self) -> None:
        """Send SIGTERM once (a second one must not cut its graceful drain short)."""
        if self.running and not self._signalled:
            assert self.popen is not None
            self._signalled = True
            self.popen.send_signal(signal.SIGTERM)

    def stop(
        self, timeout: float = STOP_TIMEOUT_S, *, on_kill: Callable[[], None] | None = None
    ) -> int | None:
        """SIGTERM, wait `timeout` for a graceful exit, else SIGKILL; its exit code."""
        if self.popen is None:
            return None
        self.terminate()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            if on_kill is not None:
                on_kill()
            self.popen.kill()
            self.popen.wait()
        self._close_log()
        return self.popen.returncode

    def kill(self) -> None:
        """SIGKILL it (no shutdown code runs) and reap it."""
        assert self.popen is not None, f"{self.name} was never started"
        self.popen.kill()
        self.popen.wait()
        self._close_log()

    def _close_log(self) -> None:
        """Close its log file, or let the echo print what the exited process wrote last."""
        if self._pump is not None and self.popen is not None and self.popen.poll() is not None:
            self._pump.join(PUMP_DRAIN_S)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """Everything it wrote to its log file so far ("" without one)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines it wrote to its log file."""
        return "\n".join(self.log_text().splitlines()[-lines:]) or "(no output)"

    def tail(self) -> str:
        """Its log's last lines after a colon, for an error message (nothing without a log)."""
        return f":\n{self.log_tail()}" if self.log_path is not None else ""

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (other lines skipped)."""
        records: list[dict[str, Any]] = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
        return records


def wait_ready(
    processes: Iterable[Process],
    timeout: float = READY_TIMEOUT_S,
    *,
    probe: Probe = health_ready,
    give_up: Callable[[], bool] = lambda: False,
) -> None:
    """Poll each process until `probe` passes; fail with its log if it dies, times out or
    `give_up()` turns true."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        for process in processes:
            while True:
                assert process.popen is not None, f"{process.name} was never started"
                if (code := process.popen.poll()) is not None:
                    raise ProcessError(
                        f"{process.name} exited with {code} before it was ready{process.tail()}"
                    )
                if give_up():
                    raise ProcessError("stopped before everything was ready")
                try:
                    # Ready, and answered by the process we started (still alive).
                    if probe(client, process) and process.running:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise ProcessError(
                        f"{process.name} was not ready after {timeout:.0f}s{process.tail()}"
                    )
                time.sleep(0.05)


def stop_all(
    processes: Sequence[Process],
    timeout: float = STOP_TIMEOUT_S,
    *,
    on_kill: Callable[[Process], None] | None = None,
) -> None:
    """SIGTERM every process at once (in the order given), then wait for each; kill stragglers."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop(timeout, on_kill=partial(on_kill, process) if on_kill else None)


def stop_pid(
    pid: int, timeout: float = STOP_TIMEOUT_S, *, signum: signal.Signals = signal.SIGTERM
) -> bool:
    """Stop a process an earlier command started (known by pid only): `signum` (its graceful
    stop), then SIGKILL after `timeout`; True if it exited by itself."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return False


def pid_alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, exited but not yet collected, does not; ours is reaped)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
