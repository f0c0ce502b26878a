"""A stopping replica first fails readiness and still serves, then stops listening, finishes what
it was serving and exits 0; a new one can start beside it on the same port (SO_REUSEPORT)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from cluster.replicas import listening_and_ready
from scripts.ports import free_port, listens_on
from scripts.processes import Process, wait_ready
from tests.support.service_process import service_env


def _calendar(workdir: Path, port: int, name: str) -> tuple[Process, dict[str, str]]:
    env = service_env(
        env_prefix="CALENDAR_",
        port=port,
        database_url=f"sqlite:///{workdir / 'calendar.db'}",
        workdir=workdir,
        token="t" * 40,
    )
    # A drain long enough that the probes below all land inside it on a loaded machine.
    env.update({"FC_REUSE_PORT": "1", "FC_DRAIN_DELAY_S": "5"})
    return Process(name, "calendar_svc", port, workdir / f"{name}.log"), env


def test_sigterm_fails_readiness_first_then_hands_the_port_over(tmp_path: Path) -> None:
    port = free_port()
    old, env = _calendar(tmp_path, port, "old")
    new, _ = _calendar(tmp_path, port, "new")
    try:
        old.start(env)
        wait_ready([old])
        new.start(env)  # beside the old one, on the same port
        wait_ready([new], probe=listening_and_ready)
        assert listens_on(old.pid, port) and listens_on(new.pid, port)

        old.terminate()
        time.sleep(0.5)  # within FC_DRAIN_DELAY_S: still serving, no longer ready
        # Each request on a new connection: the kernel spreads them over both processes.
        answers = {httpx.get(f"{old.url}/health/ready").status_code for _ in range(30)}
        assert answers == {200, 503}, answers
        assert old.popen is not None
        assert old.popen.wait(timeout=30) == 0  # drained and exited cleanly
        assert {httpx.get(f"{new.url}/health/ready").status_code for _ in range(10)} == {200}
    finally:
        old.stop()
        new.stop()
