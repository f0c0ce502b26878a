"""Fixtures of the account tests: a gateway started with some settings changed."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, running_gateway

GatewayWith = Callable[..., AbstractAsyncContextManager[Gateway]]


@pytest.fixture
def gateway_with(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> GatewayWith:
    """Start a gateway (over fresh services) whose settings differ by the keyword arguments."""

    def start(**changes: Any) -> AbstractAsyncContextManager[Gateway]:
        settings = gateway_settings.model_copy(update=changes)
        return running_gateway(settings, make_database_url, tmp_path / "images-variant")

    return start
