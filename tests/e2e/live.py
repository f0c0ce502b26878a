"""The three real processes on loopback, and a small typed GraphQL client to talk to them.

`start_stack` launches `python -m calendar_svc`, `python -m diary_svc` and `python -m graph_gateway`
the way `make run` does (environment variables only), each logging to its own file, and waits for
every `/health/ready`. `LiveStack.stop` sends SIGTERM and waits, as an operator would.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tests.support.graphql_client import GraphQLClient as GraphQLClient
from tests.support.graphql_client import GraphQLResult as GraphQLResult
from tests.support.graphql_client import LiveUser as LiveUser
from tests.support.graphql_client import sign_up as sign_up

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
LOG_TAIL_LINES = 80
SETTINGS_PREFIXES = ("FC_", "GATEWAY_", "CALENDAR_", "DIARY_")
PROCESSES = (("calendar", "calendar_svc"), ("diary", "diary_svc"), ("gateway", "graph_gateway"))

# Cheap argon2id for tests: hashing cost is not what these tests measure.
FAST_PASSWORD_HASHING = {
    "GATEWAY_PASSWORD_TIME_COST": "1",
    "GATEWAY_PASSWORD_MEMORY_KIB": "1024",
    "GATEWAY_PASSWORD_PARALLELISM": "1",
}


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveProcess:
    """One running process: its name, module, URL and log file."""

    name: str
    module: str
    port: int
    log_path: Path
    metrics_port: int = 0
    popen: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Its base URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        """Its Prometheus endpoint on loopback."""
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def start(self, env: Mapping[str, str]) -> None:
        """Launch the process with its output going to its log file."""
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", self.module],
            cwd=REPO_ROOT,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines the process wrote."""
        if not self.log_path.exists():
            return "(no output)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:]) or "(no output)"

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (other lines skipped)."""
        records: list[dict[str, Any]] = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
        return records

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """SIGTERM, wait for a graceful exit, kill if it does not come; return the exit code."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self._log is not None:
            self._log.close()
        return self.popen.returncode


@dataclass
class LiveStack:
    """The calendar service, the diary service and the gateway, running."""

    calendar: LiveProcess
    diary: LiveProcess
    gateway: LiveProcess
    workdir: Path
    env: dict[str, str]

    @property
    def processes(self) -> tuple[LiveProcess, LiveProcess, LiveProcess]:
        """All three, services first."""
        return (self.calendar, self.diary, self.gateway)

    @property
    def graphql_url(self) -> str:
        """The gateway's GraphQL endpoint."""
        return f"{self.gateway.url}/graphql"

    @property
    def internal_token(self) -> str:
        """The credential the gateway uses with the services."""
        return self.env["FC_INTERNAL_TOKEN"]

    def logs(self) -> str:
        """Each process's recent output, for a failure report."""
        return "\n\n".join(
            f"--- {p.name} ({p.log_path}) ---\n{p.log_tail()}" for p in self.processes
        )

    def stop(self) -> dict[str, int | None]:
        """Stop the gateway first (it calls the others), then the services."""
        return {p.name: p.stop() for p in reversed(self.processes)}


def sqlite_urls(workdir: Path) -> dict[str, str]:
    """One SQLite file per process under `workdir`."""
    return {name: f"sqlite:///{workdir / name}.db" for name, _module in PROCESSES}


def stack_env(
    workdir: Path, database_urls: Mapping[str, str], ports: Mapping[str, int]
) -> dict[str, str]:
    """The environment the three processes are configured by."""
    # Only what this function sets configures the processes, whatever the caller's shell has.
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "FC_ENVIRONMENT": "test",
            "FC_LOG_FORMAT": "json",
            "FC_LOG_LEVEL": "INFO",
            "FC_DATA_DIR": str(workdir / "data"),
            "FC_BACKUP_ROOT": str(workdir / "backups"),
            "FC_INTERNAL_TOKEN": secrets.token_urlsafe(32),
            "FC_SHUTDOWN_TIMEOUT_S": "5",
            "CALENDAR_PORT": str(ports["calendar"]),
            "CALENDAR_DATABASE_URL": database_urls["calendar"],
            "DIARY_PORT": str(ports["diary"]),
            "DIARY_DATABASE_URL": database_urls["diary"],
            "GATEWAY_PORT": str(ports["gateway"]),
            "GATEWAY_DATABASE_URL": database_urls["gateway"],
            "GATEWAY_CALENDAR_URL": f"http://127.0.0.1:{ports['calendar']}",
            "GATEWAY_DIARY_URL": f"http://127.0.0.1:{ports['diary']}",
            "GATEWAY_JWT_SECRET": secrets.token_urlsafe(48),
            # Metrics on free ports (never the 9100-9102 defaults, which parallel runs share).
            "CALENDAR_METRICS_PORT": str(ports.get("calendar_metrics", 0)),
            "DIARY_METRICS_PORT": str(ports.get("diary_metrics", 0)),
            "GATEWAY_METRICS_PORT": str(ports.get("gateway_metrics", 0)),
            **FAST_PASSWORD_HASHING,
        }
    )
    return env


def start_stack(
    workdir: Path, database_urls: Mapping[str, str], *, extra_env: Mapping[str, str] | None = None
) -> LiveStack:
    """Start the three processes on free ports and wait until each is ready."""
    workdir.mkdir(parents=True, exist_ok=True)
    ports = {f"{name}{kind}": free_port() for name, _ in PROCESSES for kind in ("", "_metrics")}
    env = {**stack_env(workdir, database_urls, ports), **(extra_env or {})}
    by_name = {
        name: LiveProcess(
            name, module, ports[name], workdir / f"{name}.log", ports[f"{name}_metrics"]
        )
        for name, module in PROCESSES
    }
    stack = LiveStack(
        calendar=by_name["calendar"],
        diary=by_name["diary"],
        gateway=by_name["gateway"],
        workdir=workdir,
        env=env,
    )
    for process in stack.processes:
        process.start(env)
    try:
        wait_ready(stack.processes)
    except BaseException:
        stack.stop()
        raise
    return stack


@contextmanager
def running_stack(
    workdir: Path, database_urls: Mapping[str, str], *, extra_env: Mapping[str, str] | None = None
) -> Iterator[LiveStack]:
    """`start_stack` for a `with` block: the processes are stopped (SIGTERM) when it ends."""
    stack = start_stack(workdir, database_urls, extra_env=extra_env)
    try:
        yield stack
    finally:
        stack.stop()


def wait_ready(processes: Sequence[LiveProcess], timeout: float = READY_TIMEOUT_S) -> None:
    """Poll each `/health/ready` until 200; fail with its log if a process dies or times out."""
    deadline = time.monotonic() + timeout
    pending = list(processes)
    with httpx.Client(timeout=2.0) as client:
        while pending:
            process = pending[0]
            assert process.popen is not None
            if process.popen.poll() is not None:
                raise RuntimeError(
                    f"{process.name} exited with {process.popen.returncode} before it was ready:\n"
                    + process.log_tail()
                )
            try:
                if client.get(f"{process.url}/health/ready").status_code == 200:
                    pending.pop(0)
                    continue
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{process.name} was not ready after {timeout:.0f}s:\n" + process.log_tail()
                )
            time.sleep(0.05)


@asynccontextmanager
async def graphql_client(stack: LiveStack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client for the stack's gateway, on an HTTP client closed after the block."""
    async with httpx.AsyncClient(timeout=30.0) as http:
        yield GraphQLClient(http, stack.graphql_url)
