"""Production is the default; it refuses development secrets, introspection and error hints."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fc_common.settings import CommonSettings
from graph_gateway.settings import GatewaySettings
from scripts.processes import REPO_ROOT
from tests.hardening.in_process import gateway


def settings_in(tmp_path: Path, environment: str) -> GatewaySettings:
    """Settings valid in `environment` (production refuses development secrets)."""
    values: dict[str, Any] = {
        "environment": environment,
        "database_url": f"sqlite:///{tmp_path / 'gateway.db'}",
        "internal_token": secrets.token_urlsafe(32),
        "jwt_secret": secrets.token_urlsafe(48),
        "rate_limit_enabled": False,
    }
    return GatewaySettings(**values)


@pytest.mark.parametrize(
    ("environment", "introspectable"), [("production", False), ("development", True)]
)
async def test_introspection_only_outside_production(
    tmp_path: Path, environment: str, introspectable: bool
) -> None:
    async with gateway(settings_in(tmp_path, environment)) as http:
        response = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    body = response.json()
    if introspectable:
        assert body["data"]["__schema"]["types"]
    else:
        assert "data" not in body or body["data"] is None
        codes = {e["extensions"]["code"] for e in body["errors"]}
        assert codes == {"GRAPHQL_VALIDATION_FAILED"}
        assert "introspection" in body["errors"][0]["message"].lower()


@pytest.mark.parametrize(("environment", "hinted"), [("production", False), ("development", True)])
async def test_field_suggestions_only_outside_production(
    tmp_path: Path, environment: str, hinted: bool
) -> None:
    async with gateway(settings_in(tmp_path, environment)) as http:
        response = await http.post("/graphql", json={"query": "{ evnts { totalCount } }"})
    message = response.json()["errors"][0]["message"]
    assert "evnts" in message
    assert ("Did you mean" in message) is hinted


@pytest.mark.parametrize(
    ("module", "named"),
    [
        ("calendar_svc", ["FC_INTERNAL_TOKEN"]),
        ("diary_svc", ["FC_INTERNAL_TOKEN"]),
        ("graph_gateway", ["FC_INTERNAL_TOKEN", "GATEWAY_JWT_SECRET"]),
    ],
)
def test_a_process_without_any_environment_is_production_and_refuses_dev_secrets(
    tmp_path: Path, module: str, named: list[str]
) -> None:
    """No FC_ENVIRONMENT, no secrets: every unsafe setting named at once, exit 2, no traceback."""
    bare = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", module],
        cwd=tmp_path,
        env=bare,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr + done.stdout
    assert "refusing to start" in done.stderr
    for variable in named:
        assert f"  - {variable} must be a random secret" in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []  # refused before touching any data


def test_production_is_the_default_environment() -> None:
    assert CommonSettings.model_fields["environment"].default == "production"
    assert GatewaySettings.model_fields["environment"].default == "production"
