"""Where everything of a cluster listens and keeps its state: one object, read from `CLUSTER_*`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Kind = Literal["calendar", "diary", "gateway"]
KINDS: tuple[Kind, ...] = ("calendar", "diary", "gateway")
MODULES: dict[Kind, str] = {
    "calendar": "calendar_svc",
    "diary": "diary_svc",
    "gateway": "graph_gateway",
}


class ClusterSettings(BaseSettings):
    """The cluster's knobs; the defaults make `make cluster` work on a development machine."""

    model_config = SettingsConfigDict(env_prefix="CLUSTER_", extra="ignore")

    host: str = "127.0.0.1"
    https_port: int = Field(8443, ge=1, le=65535)
    http_port: int = Field(8080, ge=1, le=65535)
    # The services' balancers (nginx, loopback), the replicas and their metrics ports follow.
    first_internal_port: int = Field(18400, ge=1024, le=65000)
    replicas: int = Field(2, ge=1, le=8)
    state_dir: Path = Path("./data/cluster")
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    database_prefix: str = "fc_cluster"
    redis_url: str = "redis://127.0.0.1:6379/3"
    nginx: str = "/usr/sbin/nginx"


@dataclass(frozen=True, slots=True)
class Slot:
    """One replica's place: its kind, index and port (kept across restarts) and metrics ports.

    A restart starts the new process on the same port beside the old one (SO_REUSEPORT), so the
    two metrics ports alternate between generations instead.
    """

    kind: Kind
    index: int
    port: int
    metrics_ports: tuple[int, int]

    @property
    def name(self) -> str:
        """`gateway-0`, `calendar-1`, …"""
        return f"{self.kind}-{self.index}"


@dataclass(frozen=True, slots=True)
class Topology:
    """Every port of the cluster and the folders it keeps its state in."""

    settings: ClusterSettings
    calendar_balancer_port: int
    diary_balancer_port: int
    slots: tuple[Slot, ...]

    @classmethod
    def plan(cls, settings: ClusterSettings) -> Topology:
        """Lay the ports out from `first_internal_port`, three kinds × `replicas` slots."""
        port = settings.first_internal_port
        slots = []
        for offset, kind in enumerate(KINDS):
            for index in range(settings.replicas):
                base = port + 10 + 10 * offset + index
                metrics = port + 40 + 20 * offset + 2 * index
                slots.append(Slot(kind, index, base, (metrics, metrics + 1)))
        return cls(settings, port, port + 1, tuple(slots))

    def of_kind(self, kind: Kind) -> tuple[Slot, ...]:
        """The slots of one kind, in order."""
        return tuple(slot for slot in self.slots if slot.kind == kind)

    def slot(self, name: str) -> Slot:
        """The slot called `name` (`diary-1`), else KeyError."""
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    @property
    def state_dir(self) -> Path:
        """Everything the cluster writes: nginx's config, logs, secrets, TLS, shared files."""
        return self.settings.state_dir.resolve()

    @property
    def public_url(self) -> str:
        """Where clients reach the cluster (HTTPS)."""
        return f"https://{_url_host(self.settings.host)}:{self.settings.https_port}"

    def database_name(self, kind: Kind) -> str:
        """The name of one kind of process's PostgreSQL database."""
        return f"{self.settings.database_prefix}_{kind}"

    def database_url(self, kind: Kind) -> str:
        """The PostgreSQL database of one kind of process."""
        base, _, _ = self.settings.postgres_url.rpartition("/")
        return f"{base}/{self.database_name(kind)}"

    def internal_url(self, port: int) -> str:
        """A loopback URL of one of the cluster's own ports."""
        return f"http://{_url_host(self.settings.host)}:{port}"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
