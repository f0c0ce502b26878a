"""The counting pass: which service calls one gateway request makes, read from the services' logs.

With INFO logging every process writes one JSON `request` line per request, carrying the request
id the gateway forwards. One request with a known id, then its lines in each service's log, is
an exact count that no concurrency can blur.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from typing import Any

import httpx

from bench.operations import Operation, route_of
from bench.procs import System
from bench.stats import BenchError
from scripts.processes import Process

SETTLE_TIMEOUT_S = 5.0


def request_lines(process: Process, request_id: str) -> list[dict[str, Any]]:
    """The access-log lines (`"event": "request"`) of one request id in a process's JSON log."""
    lines = []
    for raw in process.log_text().splitlines():
        if request_id not in raw:
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if line.get("event") == "request" and line.get("request_id") == request_id:
            lines.append(line)
    return lines


def upstream_calls(system: System, request_id: str) -> Counter[tuple[str, str]]:
    """(service, route) of every service request made for a gateway request, once logged."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    # The gateway logs its own line after its response is sent, so once it is there every
    # upstream call has been answered; the services log theirs just after answering.
    while not request_lines(system.gateway, request_id):
        if time.monotonic() > deadline:
            raise BenchError(f"the gateway never logged request {request_id}")
        time.sleep(0.02)
    time.sleep(0.2)
    calls: Counter[tuple[str, str]] = Counter()
    for name, proc in system.services.items():
        for line in request_lines(proc, request_id):
            calls[(name, route_of(str(line["method"]), str(line["path"])))] += 1
    return calls


def _describe(calls: Counter[tuple[str, str]]) -> str:
    return ", ".join(f"{n}× {svc} {route}" for (svc, route), n in sorted(calls.items())) or "none"


def count_upstream(
    system: System, operation: Operation, token: str
) -> tuple[Counter[tuple[str, str]], dict[str, Any]]:
    """Send one request of `operation` and return its upstream calls and its GraphQL answer.

    Fails when the answer has errors or the calls are not exactly the operation's floor calls.
    """
    request_id = f"bench-{uuid.uuid4().hex}"
    body = operation.requests()[0].body
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
    response = httpx.post(f"{system.gateway.url}/graphql", json=body, headers=headers, timeout=30)
    answer: dict[str, Any] = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise BenchError(f"{operation.name}: the gateway answered {response.status_code}: {answer}")
    calls = upstream_calls(system, request_id)
    if calls != operation.minimum_upstream:
        raise BenchError(
            f"{operation.name}: upstream calls are not the minimum.\n"
            f"  made:     {_describe(calls)}\n  expected: {_describe(operation.minimum_upstream)}"
        )
    return calls, answer
