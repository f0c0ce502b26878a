"""The container cluster for the tests: images built by `make image`, the compose stack brought up
under a project name of its own, and taken down with its volumes at the end."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.ports import free_port
from scripts.processes import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "deploy" / "compose.yaml"
# Building the base (once per machine) and the images (cached layers) fits in this.
BUILD_TIMEOUT_S = 1800
UP_TIMEOUT_S = 600


def compose_command() -> list[str]:
    """Compose v2 (`docker compose`) where the plugin exists, else Debian's `docker-compose`."""
    docker = shutil.which("docker")
    if docker is not None:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    assert legacy is not None, "neither `docker compose` nor `docker-compose`: run `make docker`"
    return [legacy]


def build_images() -> dict[str, float]:
    """`make image` (the base once per machine, then the images); seconds it took."""
    started = time.monotonic()
    done = subprocess.run(
        ["make", "--no-print-directory", "image"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"make image failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return {"make_image_s": time.monotonic() - started}


@dataclass(frozen=True)
class ComposeStack:
    """A running stack: its project name, environment and published ports."""

    project: str
    env: dict[str, str]
    https_port: int
    http_port: int
    prometheus_port: int
    ca: Path

    def compose(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a compose command on this project (not checked)."""
        command = [*compose_command(), "-p", self.project, "-f", str(COMPOSE_FILE), *args]
        return subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def container_ids(self) -> list[str]:
        """Every container of the project, the finished migration included."""
        done = self.compose("ps", "-a", "-q")
        return done.stdout.split()

    def inspect(self, service: str) -> dict[str, object]:
        """`docker inspect` of the service's (first) container."""
        ids = self.compose("ps", "-q", service).stdout.split()
        assert ids, f"no container for {service}"
        done = subprocess.run(
            ["docker", "inspect", ids[0]], capture_output=True, text=True, check=True
        )
        return dict(json.loads(done.stdout)[0])

    def logs(self) -> str:
        """The last lines of every service's log (for a failure's message)."""
        return self.compose("logs", "--no-color", "--tail", "40").stdout[-12000:]


@contextmanager
def compose_stack(environ: dict[str, str], workdir: Path) -> Iterator[ComposeStack]:
    """Bring the stack up (every health check green), yield it, then `down -v`."""
    env = {
        **{k: v for k, v in environ.items() if not k.startswith(("FC_", "GATEWAY_"))},
        "FC_INTERNAL_TOKEN": secrets.token_urlsafe(48),
        "GATEWAY_JWT_SECRET": secrets.token_urlsafe(48),
        "FC_DB_PASSWORD": secrets.token_urlsafe(24),
    }
    ports = {name: free_port() for name in ("FC_HTTPS_PORT", "FC_HTTP_PORT", "FC_PROMETHEUS_PORT")}
    env.update({name: str(port) for name, port in ports.items()})
    stack = ComposeStack(
        project=f"fc-test-{secrets.token_hex(4)}",
        env=env,
        https_port=ports["FC_HTTPS_PORT"],
        http_port=ports["FC_HTTP_PORT"],
        prometheus_port=ports["FC_PROMETHEUS_PORT"],
        ca=workdir / "ca.pem",
    )
    try:
        up = stack.compose("up", "-d", "--no-build", timeout=UP_TIMEOUT_S)
        assert up.returncode == 0, f"compose up failed:\n{up.stderr[-4000:]}\n{stack.logs()}"
        ca = stack.compose("exec", "-T", "edge", "cat", "/srv/tls/ca.pem")
        assert ca.returncode == 0, ca.stderr
        stack.ca.write_text(ca.stdout)
        yield stack
    finally:
        stack.compose("down", "-v", "--remove-orphans", "--timeout", "10", timeout=300)
        _remove_leftovers(stack.project)


def _remove_leftovers(project: str) -> None:
    """Whatever of the project `down` left (a volume still held while containers went away)."""
    label = f"label=com.docker.compose.project={project}"
    for listing, removal in (
        (["container", "ls", "-a", "-q"], ["container", "rm", "-f", "-v"]),
        (["volume", "ls", "-q"], ["volume", "rm", "-f"]),
    ):
        listed = subprocess.run(
            ["docker", *listing, "--filter", label], capture_output=True, text=True, check=False
        )
        if names := sorted(set(listed.stdout.split())):
            subprocess.run(["docker", *removal, *names], capture_output=True, check=False)
