"""A stack per test module: these tests stop processes and count series, so none is shared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import DatabaseSet
from tests.support.live_stack import LiveStack, running_stack


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    make_databases: DatabaseSet,
) -> Iterator[LiveStack]:
    """The three processes for this module alone, stopped when its tests are done."""
    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with running_stack(tmp_path_factory.mktemp(label), make_databases(label)) as stack:
        yield stack
