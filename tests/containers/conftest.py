"""One container cluster for this package's tests, built and started through `make image` and
deploy/compose.yaml exactly as the README says; Docker missing is a failure, never a skip."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.containers.compose_stack import ComposeStack, build_images, compose_stack


def _require_docker() -> None:
    """Fail loudly when no Docker engine answers (`make docker` installs and starts one)."""
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        pytest.fail("no docker client: run `make docker`")
    if done.returncode != 0:
        pytest.fail(f"no Docker engine answers (`make docker` starts one): {done.stderr.strip()}")


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeStack]:
    """Build the images, start the stack, and say how long each part took."""
    _require_docker()
    timings = build_images()
    started = time.monotonic()
    with compose_stack(dict(os.environ), tmp_path_factory.mktemp("compose")) as running:
        timings["compose_up_s"] = time.monotonic() - started
        print(f"container cluster: {', '.join(f'{k}={v:.0f}' for k, v in timings.items())}")
        yield running
