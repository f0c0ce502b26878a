"""Fixtures of the diary image e2e modules: each module's own live stack, a roomy HTTP client.

The stack is each module's own (not the session's), so it can give the processes their own
temporary folder (to prove a refused upload leaves no spooled file behind) and read their memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.live_stack import LiveStack, running_stack, sqlite_urls


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """This module's three processes, sharing a private temporary folder for spooled uploads."""
    workdir = tmp_path_factory.mktemp("images-stack")
    (workdir / "tmp").mkdir()
    spool = {"TMPDIR": str(workdir / "tmp")}
    with running_stack(workdir, sqlite_urls(workdir), extra_env=spool) as live:
        yield live


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client with room for 50 MB transfers."""
    async with httpx.AsyncClient(timeout=120.0) as client:
        yield client
