"""Run one service (`python -m <module>`) as a real child process on a free loopback port.

Built on the process harness (`scripts/processes.py`); used by the durability and schemathesis
tests, which need a real server: an ASGI transport cannot be SIGKILLed midway through a write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.ports import free_port
from scripts.processes import Process, wait_ready


def service_env(
    *, env_prefix: str, port: int, database_url: str, workdir: Path, token: str
) -> dict[str, str]:
    """The environment a service reads: its own `<PREFIX>_*` variables and the shared `FC_*`."""
    return {
        **os.environ,
        "FC_ENVIRONMENT": "test",
        "FC_INTERNAL_TOKEN": token,
        "FC_LOG_FORMAT": "json",
        "FC_DATA_DIR": str(workdir / "data"),
        f"{env_prefix}HOST": "127.0.0.1",
        f"{env_prefix}PORT": str(port),
        f"{env_prefix}DATABASE_URL": database_url,
        f"{env_prefix}METRICS_PORT": "0",  # the defaults (9100-9102) would collide in parallel
    }


@contextmanager
def running_service(
    module: str,
    *,
    env_prefix: str,
    database_url: str,
    workdir: Path,
    token: str,
    port: int | None = None,
) -> Iterator[Process]:
    """Start the service, wait until `/health/ready` answers 200, and stop it (SIGTERM) after."""
    port = port or free_port()
    process = Process(module, module, port, workdir / f"{module}-{port}.log")
    process.start(
        service_env(
            env_prefix=env_prefix,
            port=port,
            database_url=database_url,
            workdir=workdir,
            token=token,
        )
    )
    try:
        wait_ready([process])
        yield process
    finally:
        process.stop()


def kill_hard(process: Process) -> None:
    """SIGKILL the process (no shutdown code runs) and reap it."""
    process.kill()
