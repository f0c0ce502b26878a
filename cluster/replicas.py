"""Start, replace and stop the cluster's replicas, and keep their pids in `state.json`.

A replica is replaced without a moment where its port refuses connections: the new process
binds the same port with SO_REUSEPORT and listens only once its app has started; the old one
then gets SIGTERM, fails readiness, stops listening (the kernel moves connections still queued
on it to the new listener: `net.ipv4.tcp_migrate_req`), finishes what it was serving and exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from cluster.environment import replica_env
from cluster.topology import MODULES, Slot, Topology
from scripts.ports import listens_on

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


@dataclass
class Running:
    """One live replica: its pid, which generation of its slot it is, and the code it runs."""

    pid: int
    generation: int
    release: str


@dataclass
class State:
    """What `state.json` records: the release the cluster runs and each slot's live replica."""

    release: str
    replicas: dict[str, Running] = field(default_factory=dict)

    @classmethod
    def load(cls, topology: Topology) -> State | None:
        """The recorded state, else None (no cluster was started here)."""
        path = topology.state_dir / "state.json"
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        replicas = {name: Running(**entry) for name, entry in raw["replicas"].items()}
        return cls(release=raw["release"], replicas=replicas)

    def save(self, topology: Topology) -> None:
        """Write the state atomically."""
        path = topology.state_dir / "state.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2))
        temporary.replace(path)


def python_of(release: Path) -> str:
    """The release's own interpreter (its `.venv`), else this one."""
    candidate = release / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def start(topology: Topology, slot: Slot, *, generation: int, release: Path) -> Running:
    """Start a replica of `slot` from `release`'s code and wait until it listens and is ready."""
    env = replica_env(topology, slot, generation=generation)
    Path(env["FC_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    log = (topology.state_dir / "logs" / f"{slot.name}.log").open("ab")
    with log:
        process = subprocess.Popen(
            [python_of(release), "-m", MODULES[slot.kind]],
            cwd=release,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives `python -m cluster up`; stopped by `stop`
        )
    _wait_ready(topology, slot, process)
    return Running(pid=process.pid, generation=generation, release=str(release))


def _wait_ready(topology: Topology, slot: Slot, process: subprocess.Popen[bytes]) -> None:
    """Until `process` listens on its port and the port answers ready; raise if it dies."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    url = f"{topology.internal_url(slot.port)}/health/ready"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{slot.name} exited with {process.returncode} while starting")
        if listens_on(process.pid, slot.port):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{slot.name} was not ready within {READY_TIMEOUT_S:.0f}s")


def alive(pid: int) -> bool:
    """Whether `pid` still runs (and is not a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop(pid: int, *, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """SIGTERM (drain, then exit), SIGKILL after `timeout_s`; True if it exited by itself."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive(pid):
            _reap(pid)
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)
    return False


def _reap(pid: int) -> None:
    """Collect the exit status if `pid` is our child (else init does)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def replace(topology: Topology, state: State, slot: Slot, *, release: Path) -> Running:
    """Start the slot's next generation beside the live one, then drain and stop the old one."""
    old = state.replicas.get(slot.name)
    generation = old.generation + 1 if old is not None else 0
    new = start(topology, slot, generation=generation, release=release)
    state.replicas[slot.name] = new
    state.save(topology)
    if old is not None and alive(old.pid):
        stop(old.pid)
    return new
