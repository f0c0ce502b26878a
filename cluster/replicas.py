"""Start, replace and stop the cluster's replicas, and keep their pids in `state.json`.

A replica is replaced without a moment where its port refuses connections: the new process
binds the same port with SO_REUSEPORT and listens only once its app has started; the old one
then gets SIGTERM, fails readiness, stops listening (the kernel moves connections still queued
on it to the new listener: `net.ipv4.tcp_migrate_req`), finishes what it was serving and exits.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from cluster.environment import replica_env
from cluster.topology import MODULES, Slot, Topology
from scripts.ports import listens_on
from scripts.processes import Process, ProcessError, health_ready, pid_alive, stop_pid, wait_ready

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
    module = MODULES[slot.kind]
    process = Process(
        slot.name,
        module,
        slot.port,
        log_path=topology.state_dir / "logs" / f"{slot.name}.log",
        host=topology.settings.host,
        command=(python_of(release), "-m", module),
        cwd=release,
        daemon=True,  # outlives `python -m cluster up`; stopped by `down`
    )
    process.start(env)
    try:
        wait_ready([process], READY_TIMEOUT_S, probe=listening_and_ready)
    except ProcessError:
        process.kill()
        raise
    return Running(pid=process.pid, generation=generation, release=str(release))


def listening_and_ready(client: httpx.Client, process: Process) -> bool:
    """Ready means this process listens (the port may still be its predecessor's too) and the
    port answers ready; a replica listens only once its app has started."""
    return listens_on(process.pid, process.port) and health_ready(client, process)


def replace(topology: Topology, state: State, slot: Slot, *, release: Path) -> Running:
    """Start the slot's next generation beside the live one, then drain and stop the old one."""
    old = state.replicas.get(slot.name)
    generation = old.generation + 1 if old is not None else 0
    new = start(topology, slot, generation=generation, release=release)
    state.replicas[slot.name] = new
    state.save(topology)
    if old is not None and pid_alive(old.pid):
        stop_pid(old.pid, STOP_TIMEOUT_S)
    return new
