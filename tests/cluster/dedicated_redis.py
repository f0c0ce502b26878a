"""A redis-server of the cluster tests' own: on a free port, stopped and started again by a test
(the machine's shared Redis cannot be stopped), and empty after every start."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from scripts.processes import Process

READY_TIMEOUT_S = 15.0


@dataclass
class DedicatedRedis:
    """One redis-server on loopback; no snapshot and no append-only file, so a restart loses
    everything it held (as a cache's Redis configured so would)."""

    port: int
    workdir: Path
    process: Process | None = None

    @property
    def url(self) -> str:
        """Its database 0, as the gateways are given it."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        """Whether it was started and has not stopped."""
        return self.process is not None and self.process.running

    def start(self) -> None:
        """Start it (again, on the same port) and wait until it answers PING."""
        assert not self.running, "the dedicated Redis is already running"
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is missing (Debian's redis-server package)"
        self.process = Process(
            "redis",
            "redis",
            self.port,
            log_path=self.workdir / "redis.log",
            # Killed with the test run, whatever ends it.
            detached=True,
            command=[
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
        )
        self.process.start(os.environ)
        self._wait_for_ping(self.process)

    def _wait_for_ping(self, process: Process) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            while True:
                assert process.running, f"redis-server exited{process.tail()}"
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    pass
                assert time.monotonic() < deadline, f"redis-server does not answer{process.tail()}"
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Stop it (SIGTERM; it saves nothing) and wait until it has exited."""
        if self.process is not None:
            self.process.stop()
