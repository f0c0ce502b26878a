"""Start the three processes the way `make run` does, on free loopback ports, and stop them.

The starting, readiness and stopping are the process harness's (`scripts/processes.py`); this
module adds the bench's environment, the log files and each process's CPU reading.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import BenchError, process_cpu_seconds
from scripts.ports import free_port
from scripts.processes import Probe, Process, ProcessError, health_ready, without_settings
from scripts.processes import wait_ready as wait_until_ready

READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


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


def cpu_seconds(process: Process) -> float:
    """CPU seconds a process has used so far; fails if it died."""
    if not process.running:
        code = process.popen.returncode if process.popen else None
        raise BenchError(f"{process.name} exited with {code}: {process.log_tail(20)}")
    return process_cpu_seconds(process.pid)


def wait_ready(processes: list[Process], probe: Probe = health_ready) -> None:
    """The harness's readiness wait, failing as the bench does (a `BenchError`)."""
    try:
        wait_until_ready(processes, READY_TIMEOUT_S, probe=probe)
    except ProcessError as error:
        raise BenchError(str(error)) from error


@dataclass(frozen=True, slots=True)
class System:
    """The gateway and both services, running."""

    gateway: Process
    calendar: Process
    diary: Process

    @property
    def services(self) -> dict[str, Process]:
        """The two services by name."""
        return {"calendar": self.calendar, "diary": self.diary}

    @property
    def all(self) -> dict[str, Process]:
        """All three processes by name, the gateway first."""
        return {"gateway": self.gateway, **self.services}


def _common_env(config: SystemConfig, log_level: str) -> dict[str, str]:
    # As before the harness: the shell's CALENDAR_* / DIARY_* tuning still reaches the services.
    env = without_settings(prefixes=("FC_", "GATEWAY_"))
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


def _start(name: str, module: str, env: dict[str, str], port: int, log_path: Path) -> Process:
    process = Process(name, module, port, log_path)
    process.start(env)
    return process


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
        started: dict[str, Process] = {}
        for name, module in (("calendar", "calendar_svc"), ("diary", "diary_svc")):
            port = free_port()
            prefix = name.upper()
            service_env = {
                **env,
                f"{prefix}_PORT": str(port),
                f"{prefix}_DATABASE_URL": config.database_url(name),
            }
            proc = _start(name, module, service_env, port, logs / f"{name}-{stamp}.log")
            stack.callback(proc.stop, STOP_TIMEOUT_S)
            started[name] = proc
        wait_ready(list(started.values()))
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
    calendar: Process,
    diary: Process,
    log_level: str,
    name: str,
    env: dict[str, str],
) -> Iterator[Process]:
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
        wait_ready([gateway])
        yield gateway
    finally:
        gateway.stop(STOP_TIMEOUT_S)


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
