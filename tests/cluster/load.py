"""Steady load through the cluster's nginx: wrk with `load.lua` (reads and writes, every answer
checked), started before a disruption and stopped after it, with its counts as a dict."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from types import TracebackType

from cluster.soak import FAILURE_KEYS, LOAD_SCRIPT
from tests.cluster.conftest import RunningCluster


class Load:
    """`with Load(cluster, token) as load: …`; then `load.report` holds wrk's counts."""

    def __init__(self, cluster: RunningCluster, token: str, *, connections: int = 16) -> None:
        self.command = [
            "wrk", "-t2", f"-c{connections}", "-d3600s", "--timeout", "30s",
            "-s", str(LOAD_SCRIPT), cluster.topology.public_url,
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
        assert lines, out + err
        self.report = json.loads(lines[-1])
        self.failures = [line for line in err.splitlines() if line[:3].isdigit()]
        print(f"\nload through nginx: {self.report}")  # the figures the closing note quotes

    @property
    def failed(self) -> int:
        """Every failed request of any kind."""
        return int(sum(self.report[key] for key in FAILURE_KEYS))
