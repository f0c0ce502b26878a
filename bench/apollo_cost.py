"""Our gateway against an Apollo Server 5 reference (`bench/apollo/server.mjs`), ABAB.

The reference runs beside our gateway over the same services. Before any timing, every
operation's requests go to both and the answers must be the same bytes. Two exceptions, both
outside the JSON's content: Apollo's HTTP layer ends every body with a newline (ours does not),
and `createEvent`'s new event id necessarily differs (each gateway creates its own event).
Then wrk drives the two gateways in turn, run after run, and each gateway's CPU per request is
read from `/proc`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bench.load import Sample
from bench.measure import Bench, gateway_request_file
from bench.operations import Call, Operation
from bench.procs import STOP_TIMEOUT_S, System, SystemConfig, wait_ready
from bench.report import markdown
from bench.stats import BenchError, median
from scripts.ports import free_port
from scripts.processes import REPO_ROOT, Process

SERVER = REPO_ROOT / "bench" / "apollo" / "server.mjs"
PACKAGES = ("@apollo/server", "@apollo/datasource-rest", "dataloader", "graphql")
CHECKED_REQUESTS = 5
"""Variables per operation whose answers are compared (every operation has at least one)."""
_CREATED_ID = re.compile(rb'^\{"data":\{"createEvent":\{"id":"(\d+)"')


def node_path() -> str:
    """Where node is, once the pinned packages are installed; a clear error otherwise."""
    path = shutil.which("node")
    if path is None:
        raise BenchError("node is not installed: the Apollo reference gateway needs it")
    missing = [p for p in PACKAGES if not (REPO_ROOT / "node_modules" / p).is_dir()]
    if missing:
        raise BenchError(f"npm packages missing ({', '.join(missing)}): run `make node`")
    return path


def answers_graphql(client: httpx.Client, process: Process) -> bool:
    """Apollo's readiness: it answers `{ __typename }` (it has no `/health/ready`)."""
    answer = client.post(f"{process.url}/graphql", json={"query": "{ __typename }"})
    return answer.status_code == 200


@contextmanager
def apollo_process(config: SystemConfig, system: System) -> Iterator[Process]:
    """The Apollo reference gateway in front of `system`'s services, in production mode."""
    node = node_path()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("APOLLO_")}
    env.update(
        {
            "NODE_ENV": "production",
            "APOLLO_PORT": str(port),
            "APOLLO_CALENDAR_URL": system.calendar.url,
            "APOLLO_DIARY_URL": system.diary.url,
            "APOLLO_INTERNAL_TOKEN": config.internal_token,
            "APOLLO_JWT_SECRET": config.jwt_secret,
        }
    )
    log_path = config.workdir / "logs" / f"apollo-{time.monotonic_ns()}.log"
    proc = Process("apollo", "apollo", port, log_path, command=(node, str(SERVER)))
    proc.start(env)
    try:
        wait_ready([proc], probe=answers_graphql)
        yield proc
    finally:
        proc.stop(STOP_TIMEOUT_S)


def _checked_requests(operation: Operation) -> list[Call]:
    requests = operation.requests()
    if operation.writes:
        # Reads check a spread of variables; a write checks one of each gateway's inputs,
        # taken from the end so the timed runs (which start at the top) do not repeat them.
        return requests[-1:]
    step = max(1, len(requests) // CHECKED_REQUESTS)
    return requests[::step][:CHECKED_REQUESTS]


def check_same_answers(ours_url: str, apollo_url: str, operation: Operation, token: str) -> int:
    """Send the operation's requests to both gateways; fail unless the bodies are the same bytes.

    Returns how many requests were compared. A `createEvent` answer is compared with the new
    event's id taken from Apollo's answer, since each gateway creates its own event.
    """
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    compared = 0
    with httpx.Client(timeout=30, headers=headers) as client:
        for call in _checked_requests(operation):
            body = json.dumps(call.body, ensure_ascii=False).encode()
            answers = [client.post(f"{u}{call.path}", content=body) for u in (ours_url, apollo_url)]
            mine, theirs = answers[0].content, answers[1].content.removesuffix(b"\n")
            if operation.writes:
                found = _CREATED_ID.match(theirs)
                if found is None:
                    raise BenchError(f"Apollo's {operation.name} answered {theirs[:300]!r}")
                mine = _CREATED_ID.sub(b'{"data":{"createEvent":{"id":"' + found[1] + b'"', mine)
            if any(a.status_code != 200 for a in answers) or mine != theirs:
                raise BenchError(
                    f"Apollo's answer to {operation.name} differs from ours "
                    f"(variables {call.body['variables']}):\n"
                    f"  ours   ({answers[0].status_code}): {answers[0].content[:400]!r}\n"
                    f"  Apollo ({answers[1].status_code}): {theirs[:400]!r}"
                )
            compared += 1
    return compared


def measure_apollo(bench: Bench, operations: list[Operation]) -> list[dict[str, Any]]:
    """Per operation: both gateways' median CPU per request, req/s, and the paired ratio."""
    system, config, plan = bench.system, bench.config, bench.plan
    credentials = bench.signed_in()
    rows = []
    with apollo_process(config, system) as apollo:
        gateways = {"ours": system.gateway, "apollo": apollo}
        for operation in operations:
            compared = check_same_answers(
                system.gateway.url, apollo.url, operation, credentials.token
            )
            requests = gateway_request_file(
                config.workdir / "requests", operation, credentials, "apollo"
            )
            for proc in gateways.values():
                bench.drive(proc, requests, plan.warmup)
            samples: dict[str, list[Sample]] = {name: [] for name in gateways}
            for _ in range(plan.runs):
                for name, proc in gateways.items():
                    samples[name].append(bench.drive(proc, requests, plan.shape))
            row = _row(operation.name, samples, compared)
            print(
                f"  apollo: {operation.name}: ours {row['gateway_cpu_ms_per_request']['ours']:.2f}"
                f" / Apollo {row['gateway_cpu_ms_per_request']['apollo']:.2f} CPU ms/request",
                file=sys.stderr,
                flush=True,
            )
            rows.append(row)
    return rows


def _row(name: str, samples: dict[str, list[Sample]], compared: int) -> dict[str, Any]:
    cpu = {g: [s.cpu_ms_per_request("gateway") for s in runs] for g, runs in samples.items()}
    services = {
        g: [s.cpu_ms_per_request("calendar") + s.cpu_ms_per_request("diary") for s in runs]
        for g, runs in samples.items()
    }
    return {
        "operation": name,
        "identical_answers": compared,
        "gateway_cpu_ms_per_request": {g: round(median(c), 3) for g, c in cpu.items()},
        "services_cpu_ms_per_request": {g: round(median(c), 3) for g, c in services.items()},
        "rps": {g: round(median([s.wrk.rps for s in runs]), 1) for g, runs in samples.items()},
        # Each of our runs against the Apollo run beside it, then the median: pairing cancels
        # most of the machine's drift.
        "ours_over_apollo": round(
            median([a / b for a, b in zip(cpu["ours"], cpu["apollo"], strict=True)]), 2
        ),
        "runs": {g: [round(c, 3) for c in values] for g, values in cpu.items()},
    }


def markdown_apollo(rows: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table."""
    header = ["operation", "gateway CPU ms/request: ours", "Apollo", "ours ÷ Apollo"]
    header += ["services CPU ms/request", "req/s ours / Apollo"]
    cells = []
    for row in rows:
        cpu, rps = row["gateway_cpu_ms_per_request"], row["rps"]
        cells.append(
            [
                f"`{row['operation']}`",
                f"{cpu['ours']:.2f}",
                f"{cpu['apollo']:.2f}",
                f"{row['ours_over_apollo']:.2f}×",
                f"{row['services_cpu_ms_per_request']['ours']:.2f}",
                f"{rps['ours']:.0f} / {rps['apollo']:.0f}",
            ]
        )
    return markdown(header, cells, figures_from=1)
