"""The system across hosts: gateway, calendar, diary and data (PostgreSQL, Redis) each on a host
of their own (`cluster.hosts`), run as production runs them, and a client host to drive them.

Nothing is shared through loopback: every call, upstream or to the database, crosses the
bridge, so `Hosts.add_latency` makes each of them pay a real round trip.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
import psycopg

from cluster.hosts import Host, Hosts
from scripts.processes import (
    REPO_ROOT,
    Probe,
    Process,
    health_ready,
    stop_all,
    wait_ready,
    without_settings,
)

HOST_NAMES = ("client", "gateway", "calendar", "diary", "data")
GATEWAY_PORT, GATEWAY_METRICS_PORT = 8000, 9100
CALENDAR_PORT, DIARY_PORT = 8001, 8002
POSTGRES_PORT, REDIS_PORT = 5432, 6379
DATABASES = {"gateway": "fc_gateway", "calendar": "fc_calendar", "diary": "fc_diary"}
READY_TIMEOUT_S = 90.0


def _postgres_bin(name: str) -> str:
    """A PostgreSQL server program of the newest version installed."""
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name))
    return str(versions[-1] / "bin" / name)


def _listening(client: httpx.Client, process: Process) -> bool:
    """Whether the process's port takes a TCP connection (PostgreSQL and Redis speak no HTTP)."""
    del client
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((process.host, process.port)) == 0


@dataclass
class SystemAcrossHosts:
    """The running processes, where they listen and how to reach their data."""

    hosts: Hosts
    workdir: Path
    processes: list[Process] = field(default_factory=list)
    cleanups: list[Callable[[], object]] = field(default_factory=list)

    @property
    def gateway(self) -> Process:
        """The gateway's process (its `url` and `metrics_url`), once started."""
        return next(process for process in self.processes if process.name == "gateway")

    @property
    def gateway_url(self) -> str:
        """The gateway's GraphQL endpoint."""
        return f"{self.gateway.url}/graphql"

    def database_url(self, name: str, driver: str = "postgresql+psycopg") -> str:
        """A database on the data host."""
        return f"{driver}://postgres@{self.hosts['data'].address}:{POSTGRES_PORT}/{name}"

    def _start(
        self,
        host: Host,
        name: str,
        port: int,
        argv: Sequence[str],
        env: dict[str, str],
        *,
        module: str | None = None,
        metrics_port: int = 0,
        probe: Probe = health_ready,
    ) -> None:
        """Run `argv` on `host` (output to `<name>.log`) and wait until `probe` passes."""
        process = Process(
            name,
            module or name,
            port,
            log_path=self.workdir / f"{name}.log",
            metrics_port=metrics_port,
            host=host.address,
            command=host.command(*argv),
        )
        process.start(env)
        self.processes.append(process)
        wait_ready([process], READY_TIMEOUT_S, probe=probe)

    def start_data(self) -> None:
        """A PostgreSQL of its own (pg_stat_statements on) and a Redis, on the data host."""
        data = self.hosts["data"]
        # Outside the work folder, which may sit where the postgres user cannot walk.
        cluster_dir = Path(tempfile.mkdtemp(prefix="fc-hosts-postgres-"))
        self.cleanups.append(partial(shutil.rmtree, cluster_dir, ignore_errors=True))
        postgres_user = pwd.getpwnam("postgres")
        os.chown(cluster_dir, postgres_user.pw_uid, postgres_user.pw_gid)
        as_postgres = ("runuser", "-u", "postgres", "--")
        subprocess.run(
            [
                *as_postgres,
                _postgres_bin("initdb"),
                "-D",
                str(cluster_dir),
                "--auth=trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        with (cluster_dir / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.hosts.subnet}.0/24 trust\n")
        settings = {
            "listen_addresses": data.address,
            "port": str(POSTGRES_PORT),
            "unix_socket_directories": str(cluster_dir),
            "shared_preload_libraries": "pg_stat_statements",
            "fsync": "off",  # a throwaway database: what is measured is the network
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        postgres = [*as_postgres, _postgres_bin("postgres"), "-D", str(cluster_dir), *options]
        self._start(data, "postgres", POSTGRES_PORT, postgres, dict(os.environ), probe=_listening)
        redis = ["redis-server", "--bind", data.address, "--port", str(REDIS_PORT)]
        redis += ["--save", "", "--appendonly", "no"]
        self._start(data, "redis", REDIS_PORT, redis, dict(os.environ), probe=_listening)
        with psycopg.connect(self.database_url("postgres", "postgresql"), autocommit=True) as db:
            for name in DATABASES.values():
                db.execute(f'CREATE DATABASE "{name}"')
            db.execute("CREATE EXTENSION pg_stat_statements")

    def environment(self) -> dict[str, str]:
        """What every process shares: production, secrets, each process's database."""
        state = self.workdir / "secrets.env"
        if not state.exists():
            state.write_text(f"{secrets.token_urlsafe(48)}\n{secrets.token_urlsafe(48)}\n")
        internal, jwt = state.read_text().split()
        return {
            **without_settings(),
            "FC_ENVIRONMENT": "production",
            "FC_INTERNAL_TOKEN": internal,
            "GATEWAY_JWT_SECRET": jwt,
            "FC_LOG_FORMAT": "json",
            "FC_MIGRATE_ON_START": "0",
            "PYTHONUNBUFFERED": "1",
            **{
                f"{kind.upper()}_DATABASE_URL": self.database_url(name)
                for kind, name in DATABASES.items()
            },
        }

    def start_processes(self) -> None:
        """Migrate once, then start calendar, diary and gateway, each on its own host."""
        env = self.environment()
        subprocess.run(
            [sys.executable, "-m", "scripts.migrate"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        redis = f"redis://{self.hosts['data'].address}:{REDIS_PORT}/0"
        calendar, diary, gateway = (self.hosts[n] for n in ("calendar", "diary", "gateway"))
        plans = {
            "calendar": (calendar, CALENDAR_PORT, {}),
            "diary": (diary, DIARY_PORT, {"DIARY_IMAGE_DIR": str(self.workdir / "images")}),
            "gateway": (
                gateway,
                GATEWAY_PORT,
                {
                    "GATEWAY_CALENDAR_URL": f"http://{calendar.address}:{CALENDAR_PORT}",
                    "GATEWAY_DIARY_URL": f"http://{diary.address}:{DIARY_PORT}",
                    "GATEWAY_METRICS_PORT": str(GATEWAY_METRICS_PORT),
                    "GATEWAY_RATE_LIMIT_STORAGE_URI": redis,
                    "GATEWAY_PERSISTED_QUERY_STORAGE_URI": redis,
                    "GATEWAY_RATE_LIMIT_PER_CLIENT": "1000000/minute",
                    "GATEWAY_EXPORT_DIR": str(self.workdir / "exports"),
                },
            ),
        }
        for kind, (host, port, own) in plans.items():
            module = {"gateway": "graph_gateway"}.get(kind, f"{kind}_svc")
            prefix = f"{kind.upper()}_"
            process_env = {
                **env,
                **own,
                "FC_DATA_DIR": str(self.workdir / kind),
                f"{prefix}HOST": host.address,
                f"{prefix}PORT": str(port),
            }
            self._start(
                host,
                kind,
                port,
                [sys.executable, "-m", module],
                process_env,
                module=module,
                metrics_port=GATEWAY_METRICS_PORT if kind == "gateway" else 0,
            )

    def stop(self) -> None:
        """Stop every process, the servers last, then remove what they kept."""
        stop_all(list(reversed(self.processes)))
        for cleanup in self.cleanups:
            cleanup()


@contextmanager
def system_across_hosts(hosts: Hosts, workdir: Path) -> Iterator[SystemAcrossHosts]:
    """Start the whole system across `hosts` (named as HOST_NAMES); stop it afterwards."""
    system = SystemAcrossHosts(hosts, workdir)
    with ExitStack() as stack:
        stack.callback(system.stop)
        system.start_data()
        system.start_processes()
        yield system
