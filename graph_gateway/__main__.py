"""`python -m graph_gateway`: serve the gateway with settings from the environment."""

from __future__ import annotations

from fc_common.logging import configure_logging
from fc_common.server import serve
from fc_common.settings import load_settings
from graph_gateway.app import create_app
from graph_gateway.settings import GatewaySettings


def main() -> None:
    """Read the settings, configure logging and serve until stopped."""
    settings = load_settings(GatewaySettings, service="graph_gateway")
    configure_logging(settings, service="graph_gateway")
    serve(create_app(settings), settings, service="graph_gateway")


if __name__ == "__main__":
    main()
