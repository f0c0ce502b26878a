"""What latency between hosts costs the month view: `python -m cluster.latency_report`.

Starts the system across hosts (`cluster.across_hosts`), seeds one user's month, then from the
client host sends the month view one request at a time, first with no added latency, then with
`--ms` per packet between hosts. For each, it reports the latency (p50, p99), the upstream calls
per request (the gateway's metrics) and the SQL statements per request (pg_stat_statements), so
the added latency can be read as round trips × their cost. Needs root (`cluster.hosts`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from cluster.across_hosts import HOST_NAMES, SystemAcrossHosts, system_across_hosts
from cluster.hosts import hosts
from scripts.processes import REPO_ROOT, Process

MONTH = """query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to) { date events { title tags { name } } diaryEntries { title mood } }
}"""
SIGN_UP = """mutation($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { token } }"""
CREATE_TAG = 'mutation { createTag(input: {name: "work", color: "#3366ff"}) { id } }'
CREATE_EVENT = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }"
CREATE_ENTRY = "mutation($input: CreateDiaryEntryInput!) { createDiaryEntry(input: $input) { id } }"
FIRST_DAY = date(2026, 3, 1)
MONTH_DAYS = 31
SERVICES = ("calendar", "diary")
LOG_SETTLE_S = 10.0


@dataclass(frozen=True)
class Figures:
    """The month view at one added latency, per request."""

    added_ms_per_packet: float
    requests: int
    min_ms: float
    p50_ms: float
    p99_ms: float
    upstream_calls: dict[str, float]
    upstream_retries: dict[str, float]
    upstream_calls_of_one: dict[str, int]
    sql_statements: dict[str, float]
    sql_statement_texts: dict[str, float]


def _post(
    client: httpx.Client, url: str, query: str, variables: dict[str, object]
) -> dict[str, Any]:
    answer = client.post(url, json={"query": query, "variables": variables}).json()
    if answer.get("errors"):
        raise RuntimeError(f"the gateway refused a seed request: {answer['errors']}")
    return dict(answer["data"])


def seed_month(url: str) -> str:
    """Sign a user up and give them a month: 2 events a day (tagged) and a diary entry a day."""
    with httpx.Client(timeout=30) as client:
        email = f"hosts-{time.time_ns()}@example.test"
        signed = _post(client, url, SIGN_UP, {"email": email, "password": "a long pass phrase 42"})
        token = str(signed["signUp"]["token"])
        client.headers["Authorization"] = f"Bearer {token}"
        tag = _post(client, url, CREATE_TAG, {})["createTag"]["id"]
        for offset in range(MONTH_DAYS):
            day = FIRST_DAY + timedelta(days=offset)
            for hour in (9, 14):
                starts = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
                event = {
                    "title": f"event {offset}-{hour}",
                    "startsAt": starts.isoformat(),
                    "endsAt": (starts + timedelta(hours=1)).isoformat(),
                    "tagIds": [tag],
                }
                _post(client, url, CREATE_EVENT, {"input": event})
            entry = {"date": day.isoformat(), "title": f"day {offset}", "content": "…"}
            entry["mood"] = "HAPPY"
            _post(client, url, CREATE_ENTRY, {"input": entry})
    return token


def _month_view_body() -> dict[str, object]:
    last = FIRST_DAY + timedelta(days=MONTH_DAYS - 1)
    return {"query": MONTH, "variables": {"from": FIRST_DAY.isoformat(), "to": last.isoformat()}}


def upstream_calls_of_one(system: SystemAcrossHosts, token: str) -> dict[str, int]:
    """The service requests one month view makes, counted in the services' request logs by the
    request id the gateway forwards (exact, whatever else runs)."""
    request_id = f"hosts-{uuid.uuid4().hex}"
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
    httpx.post(system.gateway_url, json=_month_view_body(), headers=headers, timeout=30)
    processes = {process.name: process for process in system.processes}
    deadline = time.monotonic() + LOG_SETTLE_S
    # The gateway logs its line once its answer is sent, after every upstream call returned.
    while not _request_lines(processes["gateway"], request_id):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the gateway never logged request {request_id}")
        time.sleep(0.05)
    time.sleep(0.2)  # the services log theirs just after answering
    return {name: len(_request_lines(processes[name], request_id)) for name in SERVICES}


def _request_lines(process: Process, request_id: str) -> list[dict[str, Any]]:
    return [
        record
        for record in process.log_records()
        if record.get("event") == "request" and record.get("request_id") == request_id
    ]


def probe(url: str, token: str, requests: int) -> list[float]:
    """Send the month view `requests` times, one at a time on one connection; milliseconds."""
    body = _month_view_body()
    latencies = []
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        client.post(url, json=body).raise_for_status()  # the connection, and the gateway warm
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.post(url, json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200 or "errors" in answer.json():
                raise RuntimeError(f"the month view failed: {answer.text[:500]}")
    return latencies


def _upstream_counts(metrics_url: str) -> dict[str, dict[str, float]]:
    """The gateway's upstream attempts and retries so far, by service."""
    text = httpx.get(metrics_url, timeout=10).text
    counts: dict[str, dict[str, float]] = {"attempts": {}, "retries": {}}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "fc_upstream_request_duration_seconds_count":
                kind = "attempts"
            elif sample.name == "fc_upstream_retries_total":
                kind = "retries"
            else:
                continue
            service = sample.labels["service"]
            counts[kind][service] = counts[kind].get(service, 0.0) + sample.value
    return counts


def _per_request(after: dict[str, float], before: dict[str, float], sent: int) -> dict[str, float]:
    return {key: round((value - before.get(key, 0.0)) / sent, 2) for key, value in after.items()}


def _statements(system: SystemAcrossHosts) -> dict[str, float]:
    """Calls so far of each statement (`database: normalized text`) of our databases."""
    query = """SELECT d.datname, s.query, s.calls FROM pg_stat_statements s
               JOIN pg_database d ON d.oid = s.dbid WHERE d.datname LIKE 'fc\\_%'"""
    with psycopg.connect(system.database_url("postgres", "postgresql")) as db:
        rows = db.execute(query).fetchall()
    return {f"{name}: {' '.join(str(text).split())}": float(calls) for name, text, calls in rows}


def _by_database(statements: dict[str, float]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for key, calls in statements.items():
        database = key.split(":", 1)[0]
        totals[database] = round(totals.get(database, 0.0) + calls, 2)
    return totals


def measure(system: SystemAcrossHosts, token: str, *, requests: int, ms: float) -> Figures:
    """The month view's latency and round trips with `ms` added per packet between hosts."""
    if ms > 0:
        system.hosts.add_latency(ms)
    else:
        system.hosts.remove_latency()
    # Counted first: its request must not fall inside the window the averages are taken over.
    calls_of_one = upstream_calls_of_one(system, token)
    calls_before = _upstream_counts(system.gateway.metrics_url)
    statements_before = _statements(system)
    client = system.hosts["client"]
    done = subprocess.run(
        client.command(
            sys.executable,
            "-m",
            "cluster.latency_report",
            "--probe",
            system.gateway_url,
            token,
            str(requests),
        ),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    latencies = json.loads(done.stdout)
    calls_after = _upstream_counts(system.gateway.metrics_url)
    statements_after = _statements(system)
    sent = requests + 1  # the probe's warm-up request counts too
    centiles = statistics.quantiles(latencies, n=100)
    attempts = _per_request(calls_after["attempts"], calls_before["attempts"], sent)
    retries = _per_request(calls_after["retries"], calls_before["retries"], sent)
    statements = _per_request(statements_after, statements_before, sent)
    return Figures(
        added_ms_per_packet=ms,
        requests=requests,
        min_ms=round(min(latencies), 2),
        p50_ms=round(statistics.median(latencies), 2),
        p99_ms=round(centiles[98], 2),
        # A retry is a second attempt of the same call: calls are attempts less retries.
        upstream_calls={
            service: round(attempts - retries.get(service, 0.0), 2)
            for service, attempts in attempts.items()
        },
        upstream_retries=retries,
        upstream_calls_of_one=calls_of_one,
        sql_statements=_by_database(statements),
        sql_statement_texts={text: calls for text, calls in statements.items() if calls >= 0.1},
    )


def report(ms: float, requests: int) -> list[Figures]:
    """Start everything across hosts, seed, measure with no latency and with `ms`."""
    with (
        tempfile.TemporaryDirectory(prefix="fc-hosts-") as workdir,
        hosts(HOST_NAMES) as made,
        system_across_hosts(made, Path(workdir)) as system,
    ):
        token = seed_month(system.gateway_url)
        return [measure(system, token, requests=requests, ms=added) for added in (0.0, ms)]


def main() -> int:
    """Print the figures as JSON (or, with --probe, run the client host's side)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ms", type=float, default=2.0, help="latency added per packet")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--probe", nargs=3, metavar=("URL", "TOKEN", "REQUESTS"))
    args = parser.parse_args()
    if args.probe:
        url, token, requests = args.probe
        print(json.dumps(probe(url, token, int(requests))))
        return 0
    print(json.dumps([asdict(f) for f in report(args.ms, args.requests)], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
