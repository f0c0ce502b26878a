"""Start the three processes the way `make run` does, on free loopback ports, and stop them."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.stats import BenchError, process_cpu_seconds

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class SystemConfig:
    """Where the processes keep their data and the secrets they share, fixed for a whole bench."""

    workdir: Path
    internal_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    environment: str = "test"

    def database_url(self, name: str) -> str:
        """The SQLite URL of one process's database file."""
        return f"sqlite:///{self.workdir / f'{name}.db'}"


@dataclass(slots=True)
class ManagedProcess:
    """One of our processes, started by the bench, with its port and log file."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """Its base URL on loopback."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Its process id, for `/proc/<pid>/stat`."""
        return self.process.pid

    def cpu_seconds(self) -> float:
        """CPU seconds it has used so far; fails if it died."""
        if self.process.poll() is not None:
            raise BenchError(
                f"{self.name} exited with {self.process.returncode}: {self.log_tail()}"
            )
        return process_cpu_seconds(self.pid)

    def log_tail(self, lines: int = 20) -> str:
        """The end of its log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True, slots=True)
class System:
    """The gateway and both services, running."""

    gateway: ManagedProcess
    calendar: ManagedProcess
    diary: ManagedProcess

    @property
    def services(self) -> dict[str, ManagedProcess]:
        """The two services by name."""
        return {"calendar": self.calendar, "diary": self.diary}

    @property
    def all(self) -> dict[str, ManagedProcess]:
        """All three processes by name, the gateway first."""
        return {"gateway": self.gateway, **self.services}


def _common_env(config: SystemConfig, log_level: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_", "GATEWAY_"))}
    env.update(
        {
            "FC_ENVIRONMENT": config.environment,
            "FC_INTERNAL_TOKEN": config.internal_token,
            "FC_LOG_LEVEL": log_level,
            "FC_LOG_FORMAT": "json",
            "FC_DATA_DIR": str(config.workdir),
            "PYTHONUNBUFFERED": "1",
            # Off unless a run turns them on: the defaults (9100-9102) would collide.
            "CALENDAR_METRICS_PORT": "0",
            "DIARY_METRICS_PORT": "0",
            "GATEWAY_METRICS_PORT": "0",
        }
    )
    return env


def _start(
    name: str, module: str, env: dict[str, str], port: int, log_path: Path
) -> ManagedProcess:
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return ManagedProcess(name=name, port=port, process=process, log_path=log_path)


def _wait_ready(proc: ManagedProcess, deadline: float) -> None:
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.process.poll() is not None:
                raise BenchError(f"{proc.name} exited while starting:\n{proc.log_tail()}")
            try:
                if client.get(f"{proc.url}/health/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise BenchError(f"{proc.name} not ready in {READY_TIMEOUT_S:.0f} s:\n{proc.log_tail()}")


def _stop(proc: ManagedProcess) -> None:
    if proc.process.poll() is None:
        proc.process.send_signal(signal.SIGTERM)
        try:
            proc.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.process.kill()
            proc.process.wait()


@contextmanager
def running_system(
    config: SystemConfig, *, log_level: str, extra_gateway_env: dict[str, str] | None = None
) -> Iterator[System]:
    """Start the services, then the gateway, each on a free port; stop all three on exit."""
    env = _common_env(config, log_level)
    logs = config.workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stamp = f"{log_level.lower()}-{time.monotonic_ns()}"
    with ExitStack() as stack:
        started: dict[str, ManagedProcess] = {}
        for name, module in (("calendar", "calendar_svc"), ("diary", "diary_svc")):
            port = free_port()
            prefix = name.upper()
            service_env = {
                **env,
                f"{prefix}_PORT": str(port),
                f"{prefix}_DATABASE_URL": config.database_url(name),
            }
            proc = _start(name, module, service_env, port, logs / f"{name}-{stamp}.log")
            stack.callback(_stop, proc)
            started[name] = proc
        deadline = time.monotonic() + READY_TIMEOUT_S
        for proc in started.values():
            _wait_ready(proc, deadline)
        gateway = stack.enter_context(
            gateway_process(
                config,
                calendar=started["calendar"],
                diary=started["diary"],
                log_level=log_level,
                name="gateway",
                env=extra_gateway_env or {},
            )
        )
        yield System(gateway=gateway, calendar=started["calendar"], diary=started["diary"])


@contextmanager
def gateway_process(
    config: SystemConfig,
    *,
    calendar: ManagedProcess,
    diary: ManagedProcess,
    log_level: str,
    name: str,
    env: dict[str, str],
) -> Iterator[ManagedProcess]:
    """A gateway in front of these services, with `env` on top of the usual settings."""
    port = free_port()
    gateway_env = {
        **_common_env(config, log_level),
        "GATEWAY_PORT": str(port),
        "GATEWAY_DATABASE_URL": config.database_url("gateway"),
        "GATEWAY_CALENDAR_URL": calendar.url,
        "GATEWAY_DIARY_URL": diary.url,
        "GATEWAY_JWT_SECRET": config.jwt_secret,
        **env,
    }
    log_path = config.workdir / "logs" / f"{name}-{log_level.lower()}-{time.monotonic_ns()}.log"
    gateway = _start(name, "graph_gateway", gateway_env, port, log_path)
    try:
        _wait_ready(gateway, time.monotonic() + READY_TIMEOUT_S)
        yield gateway
    finally:
        _stop(gateway)


@contextmanager
def bench_workdir(*, keep: bool) -> Iterator[Path]:
    """A fresh folder for the databases, logs and request files; removed after unless kept."""
    path = Path(tempfile.mkdtemp(prefix="fc-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"databases and logs kept in {path}", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
