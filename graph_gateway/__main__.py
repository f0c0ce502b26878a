"""`python -m graph_gateway`: serve the gateway with settings from the environment."""

from __future__ import annotations

from fc_common.server import run_process
from graph_gateway.app import create_app
from graph_gateway.settings import GatewaySettings

if __name__ == "__main__":
    run_process(GatewaySettings, create_app, service="graph_gateway")
