"""The Lua replay script under real wrk, against a tiny loopback server that records requests."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.load import LoadShape, run_wrk, wrk_path
from bench.local_server import serving
from bench.operations import Call, write_request_file
from bench.stats import BenchError

pytestmark = pytest.mark.usefixtures("wrk")


class _RecordingServer(ThreadingHTTPServer):
    """Counts each distinct request (method, path, test header, body) it answers."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()


class _Recorder(BaseHTTPRequestHandler):
    server: _RecordingServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        key = f"{self.command} {self.path} {self.headers.get('X-Test', '')} {body}"
        with self.server.lock:
            self.server.seen[key] += 1
        self.send_response(500 if self.path == "/fail" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test's output quiet."""


@pytest.fixture
def server() -> Iterator[_RecordingServer]:
    httpd = _RecordingServer()
    with serving(httpd):
        yield httpd


def _url(server: _RecordingServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_every_prepared_request_is_replayed_with_its_headers_and_body(
    server: _RecordingServer, tmp_path: Path
) -> None:
    assert wrk_path()
    calls = [Call("GET", "/a"), Call("POST", "/b", {"n": 1}), Call("POST", "/b", {"n": 2})]
    requests = write_request_file(tmp_path / "r.tsv", calls, {"X-Test": "yes"})
    sample = run_wrk(
        base_url=_url(server),
        request_file=requests,
        shape=LoadShape(connections=2, threads=2, duration_s=1),
        processes={},
    )
    seen = server.seen
    assert set(seen) == {"GET /a yes ", 'POST /b yes {"n": 1}', 'POST /b yes {"n": 2}'}
    assert sample.wrk.requests >= sum(seen.values()) - 2  # in-flight ones at the end are dropped
    assert sample.wrk.requests > 10
    assert sample.wrk.percentile_ms("50") <= sample.wrk.percentile_ms("99")
    assert sample.cpu_s["wrk"] > 0


def test_a_failing_answer_fails_the_run(server: _RecordingServer, tmp_path: Path) -> None:
    requests = write_request_file(tmp_path / "r.tsv", [Call("GET", "/fail")], {})
    with pytest.raises(BenchError, match="non-2xx"):
        run_wrk(
            base_url=_url(server),
            request_file=requests,
            shape=LoadShape(connections=1, threads=1, duration_s=1),
            processes={},
        )
