"""Steady load through the cluster's nginx: wrk running `load.lua` (reads and writes of both
services, every answer checked), started before what is measured and stopped after it.

Used by the cluster tests (around a restart or a crash) and by `make soak` (around the soak).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from types import TracebackType

LOAD_SCRIPT = Path(__file__).with_name("load.lua")
# What load.lua's report counts as failed requests.
FAILURE_KEYS = ("read_failures", "write_failures", "other_failures", "socket_errors", "non_2xx")
LONGER_THAN_ANY_RUN = "-d86400s"  # wrk stops when the block ends (SIGINT), not on its own


class Load:
    """`with Load(url, token) as load: …`; afterwards `load.report` holds wrk's counts and
    `load.failures` the first lines of the failed answers."""

    def __init__(self, url: str, token: str, *, connections: int = 16, threads: int = 2) -> None:
        self.command = [
            "wrk", f"-t{threads}", f"-c{connections}", LONGER_THAN_ANY_RUN, "--timeout", "30s",
            "-s", str(LOAD_SCRIPT), url,
        ]  # fmt: skip
        # wrk trusts any certificate; the TLS tests check verification.
        self.env = {**os.environ, "FC_TOKEN": token, "FC_SHOW_FAILURES": "1"}
        self.report: dict[str, float] = {}
        self.failures: list[str] = []

    def __enter__(self) -> Load:
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.process.send_signal(signal.SIGINT)  # wrk stops, reports and runs done()
        out, err = self.process.communicate(timeout=60)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"wrk gave no report: {out}{err}")
        self.report = json.loads(lines[-1])
        self.failures = [line for line in err.splitlines() if line[:3].isdigit()]

    @property
    def failed(self) -> int:
        """Every failed request of any kind."""
        return int(sum(self.report[key] for key in FAILURE_KEYS))
