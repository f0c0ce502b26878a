"""Run the calendar service as a real child process on loopback, the way `make run` does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.calendar_svc.conftest import TOKEN

STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_service(database_url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """Start `python -m calendar_svc` and wait until `/health/ready` answers 200."""
    env = {
        **os.environ,
        "CALENDAR_DATABASE_URL": database_url,
        "CALENDAR_PORT": str(port),
        "CALENDAR_HOST": "127.0.0.1",
        "FC_INTERNAL_TOKEN": TOKEN,
        "FC_ENVIRONMENT": "test",
        "FC_LOG_LEVEL": "WARNING",
    }
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "calendar_svc"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"calendar_svc exited early: {log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)  # no readiness event to await across processes: poll the port
    process.kill()
    process.wait()
    raise RuntimeError(f"calendar_svc did not become ready: {log_path.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the service gracefully (SIGTERM), killing it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_service(database_url: str, log_path: Path) -> Iterator[str]:
    """The base URL of a calendar service running for the duration of the block."""
    port = free_port()
    process = start_service(database_url, port, log_path)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
