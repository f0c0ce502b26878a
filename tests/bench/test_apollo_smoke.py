"""`python -m bench.run --apollo --quick --tiny`: both gateways answer alike, both are measured."""

from __future__ import annotations

import json
import shutil
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.apollo_cost import PACKAGES, check_same_answers
from bench.local_server import serving
from bench.operations import Operation
from bench.run import main
from bench.stats import BenchError
from scripts.processes import REPO_ROOT
from tests.support.tools import require

OPERATIONS = ("event(id)", "diaryEntries(first: 50)", "createEvent")


@pytest.fixture
def apollo_packages() -> None:
    """Node and the pinned Apollo packages; a developer without them is told, CI fails."""
    require(shutil.which("node") is not None, "node is not installed")
    missing = [p for p in PACKAGES if not (REPO_ROOT / "node_modules" / p).is_dir()]
    require(not missing, f"npm packages missing ({', '.join(missing)}): run `make node`")


@pytest.mark.e2e
@pytest.mark.timeout(180)
@pytest.mark.usefixtures("wrk", "apollo_packages")
def test_apollo_comparison_checks_identical_answers_and_measures_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--apollo", "--quick", "--tiny", "--only", ",".join(OPERATIONS)]
    status = main([*args, "--results-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    latest = json.loads((tmp_path / "latest.json").read_text())
    assert latest["operations"] == []  # only the comparison ran
    rows = {row["operation"]: row for row in latest["apollo"]}
    assert set(rows) == set(OPERATIONS)
    for row in rows.values():
        assert row["identical_answers"] >= 1  # the byte-for-byte check ran and passed
        assert row["gateway_cpu_ms_per_request"]["ours"] > 0
        assert row["gateway_cpu_ms_per_request"]["apollo"] > 0
        assert row["ours_over_apollo"] > 0
        assert all(rps > 0 for rps in row["rps"].values())
    assert "| `diaryEntries(first: 50)` |" in captured.out
    assert "differs from ours" not in captured.err


def _answering(body: bytes) -> ThreadingHTTPServer:
    """A server answering every POST with `body`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Silent."""

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


READ = Operation(name="event(id)", query="query { x }", variables=[{"id": "1"}], floor=[])
WRITE = Operation(name="createEvent", query="mutation { x }", variables=[{}], floor=[], writes=True)


@pytest.mark.parametrize(
    ("operation", "ours", "apollo", "same"),
    [
        (READ, b'{"data":{"event":{"id":"1"}}}', b'{"data":{"event":{"id":"1"}}}\n', True),
        (READ, b'{"data":{"event":{"id":"1"}}}', b'{"data": {"event":{"id":"1"}}}\n', False),
        (READ, b'{"data":{"event":{"id":"1"}}}', b'{"data":{"event":{"id":"1"}}}\n\n', False),
        (
            WRITE,
            b'{"data":{"createEvent":{"id":"7","t":"a"}}}',
            b'{"data":{"createEvent":{"id":"8","t":"a"}}}',
            True,
        ),
        (
            WRITE,
            b'{"data":{"createEvent":{"id":"7","t":"a"}}}',
            b'{"data":{"createEvent":{"id":"8","t":"b"}}}',
            False,
        ),
    ],
)
def test_the_answers_must_be_the_same_bytes(
    operation: Operation, ours: bytes, apollo: bytes, same: bool
) -> None:
    """Only Apollo's closing newline and a created event's id may differ; anything else fails."""
    with serving(_answering(ours)) as ours_url, serving(_answering(apollo)) as apollo_url:
        if same:
            assert check_same_answers(ours_url, apollo_url, operation, "token") == 1
        else:
            with pytest.raises(BenchError, match="differs from ours"):
                check_same_answers(ours_url, apollo_url, operation, "token")
