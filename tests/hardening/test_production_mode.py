"""With FC_ENVIRONMENT=production the schema is not introspectable and errors give no hints."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from graph_gateway.settings import GatewaySettings
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
