"""The three real processes on loopback, started the way `make run` does, for the live suites.

`start_stack` launches `python -m calendar_svc`, `python -m diary_svc` and `python -m graph_gateway`
through the process harness (`scripts/processes.py`), configured by environment variables only,
each logging to its own file, and waits for every `/health/ready`. `LiveStack.stop` sends SIGTERM
and waits, as an operator would.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from scripts.ports import free_port
from scripts.processes import PROCESSES, Process, wait_ready, without_settings
from tests.support.graphql_client import GraphQLClient

# Cheap argon2id for tests: hashing cost is not what these tests measure.
FAST_PASSWORD_HASHING = {
    "GATEWAY_PASSWORD_TIME_COST": "1",
    "GATEWAY_PASSWORD_MEMORY_KIB": "1024",
    "GATEWAY_PASSWORD_PARALLELISM": "1",
}


@dataclass
class LiveStack:
    """The calendar service, the diary service and the gateway, running."""

    calendar: Process
    diary: Process
    gateway: Process
    workdir: Path
    env: dict[str, str]

    @property
    def processes(self) -> tuple[Process, Process, Process]:
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
    env = without_settings()
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
        name: Process(
            name,
            module,
            ports[name],
            workdir / f"{name}.log",
            metrics_port=ports[f"{name}_metrics"],
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


def restart(process: Process, env: Mapping[str, str]) -> None:
    """Start a stopped or killed process again and wait until it is ready."""
    process.start(env)
    wait_ready([process])


@asynccontextmanager
async def graphql_client(stack: LiveStack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client for the stack's gateway, on an HTTP client closed after the block."""
    async with httpx.AsyncClient(timeout=30.0) as http:
        yield GraphQLClient(http, stack.graphql_url)
