"""End-to-end fixtures: the three real processes on loopback, shared by the whole session.

Databases are SQLite files in a temporary directory, or throwaway PostgreSQL databases when
`FC_TEST_DB=postgresql`. When an e2e test fails, the recent output of each process is attached
to its report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.processes import PROCESSES, REPO_ROOT
from tests.support.databases import fresh_databases
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up
from tests.support.live_stack import LiveStack, graphql_client, running_stack
from tests.support.tools import require

STACK_KEY = pytest.StashKey[LiveStack]()


DatabaseSet = Callable[[str], dict[str, str]]


@pytest.fixture(scope="session")
def make_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseSet]:
    """Make a fresh database per process, by set name; PostgreSQL ones are dropped at the end."""
    with fresh_databases(tmp_path_factory.mktemp("e2e-db"), prefix="fc_e2e") as make:
        yield lambda label: {name: make(f"{label}_{name}") for name, _module in PROCESSES}


@pytest.fixture(scope="session")
def live_stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    make_databases: DatabaseSet,
) -> Iterator[LiveStack]:
    """`calendar_svc`, `diary_svc` and `graph_gateway` running on free loopback ports."""
    with running_stack(tmp_path_factory.mktemp("e2e-stack"), make_databases("stack")) as stack:
        request.session.stash[STACK_KEY] = stack
        yield stack


@pytest.fixture
async def graphql(live_stack: LiveStack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client for the live gateway."""
    async with graphql_client(live_stack) as client:
        yield client


@pytest.fixture
async def user(graphql: GraphQLClient) -> LiveUser:
    """A freshly signed-up account, with its token."""
    return await sign_up(graphql, display_name="E2E 사용자")


@pytest.fixture(scope="session")
def repo_root_path() -> Path:
    """The checkout the tests run in."""
    return REPO_ROOT


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the processes' recent output to a failed test that used the live stack."""
    report: pytest.TestReport = yield
    stack = item.session.stash.get(STACK_KEY, None)
    if report.failed and stack is not None and "live_stack" in getattr(item, "fixturenames", ()):
        report.sections.append(("live process output", stack.logs()))
    return report


@pytest.fixture(scope="session")
def node(repo_root_path: Path) -> str:
    """The `node` executable, with the pinned npm packages installed (`make node`)."""
    executable = shutil.which("node")
    require(executable is not None, "node is not installed")
    require(
        (repo_root_path / "node_modules" / "graphql-http").is_dir(),
        "node_modules is missing: run `make node`",
    )
    assert executable is not None
    return executable


NodeScript = Callable[..., Any]


@pytest.fixture(scope="session")
def run_node(node: str, repo_root_path: Path) -> NodeScript:
    """Run `tests/node/<script>` with arguments; check it exited 0 and return its JSON output."""

    def run(script: str, *args: str) -> Any:
        completed = subprocess.run(
            [node, f"tests/node/{script}", *args],
            cwd=repo_root_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    return run
