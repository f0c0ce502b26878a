"""Fixtures of the account e2e modules: a roomy HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client for GraphQL, images and archives."""
    async with httpx.AsyncClient(timeout=60.0) as client:
        yield client
