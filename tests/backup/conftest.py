"""The backup suites reuse the gateway suite's in-process system (real apps, fresh databases)."""

from tests.graph_gateway.conftest import gateway, gateway_settings, token

__all__ = ["gateway", "gateway_settings", "token"]
