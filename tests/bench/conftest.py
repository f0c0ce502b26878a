"""The bench's tests drive the real `wrk`; `make test` installs it (`make wrk`)."""

from __future__ import annotations

import shutil

import pytest

from tests.support.tools import require


@pytest.fixture
def wrk() -> str:
    """The `wrk` executable; a developer without it is told, CI fails."""
    path = shutil.which("wrk")
    require(path is not None, "wrk is not installed: run `make wrk`")
    assert path is not None
    return path
