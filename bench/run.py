"""`python -m bench.run`: load a dataset, drive every operation and its floor with wrk, report.

Two phases on the same databases: the processes first run with INFO logs, to load the data and
count each operation's upstream calls from their request lines; then they restart with WARNING
logs, so logging does not weigh on what wrk measures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.apollo_cost import measure_apollo, node_path
from bench.cache_cost import measure_cache_cost
from bench.dataset import FULL, TINY, Dataset, DatasetSize, load_dataset, log_in
from bench.load import LoadShape, wrk_path
from bench.machine import git_revision, machine_info
from bench.measure import Bench, Plan, measure_operation
from bench.metrics_cost import measure_metrics_cost
from bench.operations import Operation, build_operations
from bench.options import parse_args
from bench.output import print_report, write_results
from bench.procs import System, SystemConfig, bench_workdir, running_system
from bench.profile import Profile, py_spy_path
from bench.report import OperationResult, scaling, targets
from bench.sql_floor import measure_sql_floor
from bench.stats import BenchError
from bench.upstream import count_upstream
from scripts.processes import REPO_ROOT

# The bench sends thousands of requests a second as one user: a per-user limit would refuse
# nearly all of them, and measuring refusals is not measuring the gateway.
GATEWAY_BENCH_ENV = {"GATEWAY_RATE_LIMIT_ENABLED": "false"}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _prepare(system: System, config: SystemConfig, size: DatasetSize) -> Dataset:
    return await load_dataset(
        gateway_url=system.gateway.url,
        service_urls={name: proc.url for name, proc in system.services.items()},
        internal_token=config.internal_token,
        size=size,
    )


async def _operations(system: System, config: SystemConfig, dataset: Dataset) -> list[Operation]:
    headers = {"X-Internal-Token": config.internal_token, "X-User-Id": str(dataset.user_id)}
    async with httpx.AsyncClient(base_url=system.diary.url, headers=headers) as diary:
        return await build_operations(dataset, diary)


def _check_answer(operation: Operation, answer: dict[str, Any]) -> None:
    """The answer holds what the operation asked for (so a quick empty answer cannot pass)."""
    data = answer["data"]
    if any(value is None for value in data.values()):
        raise BenchError(f"{operation.name} answered null: {answer}")
    if operation.result_size is not None:
        got = len(data["events"]["edges"])
        if got != operation.result_size:
            raise BenchError(f"{operation.name} returned {got} events")


def _select(operations: list[Operation], only: str) -> list[Operation]:
    names = {name.strip() for name in only.split(",") if name.strip()}
    if not names:
        return operations
    unknown = names - {op.name for op in operations}
    if unknown:
        known = ", ".join(op.name for op in operations)
        raise BenchError(f"unknown operations {sorted(unknown)}; known: {known}")
    return [op for op in operations if op.name in names]


def _profile_json(profile: Profile | None) -> dict[str, Any] | None:
    return asdict(profile) if profile is not None else None


def _count_phase(
    system: System, config: SystemConfig, size: DatasetSize, only: str
) -> tuple[Dataset, list[Operation], dict[str, dict[str, int]]]:
    """Load the data, build the operations, and count each one's upstream calls."""
    _say(f"loading the dataset ({size}) …")
    dataset = asyncio.run(_prepare(system, config, size))
    operations = _select(asyncio.run(_operations(system, config, dataset)), only)
    token = asyncio.run(log_in(system.gateway.url))
    upstream: dict[str, dict[str, int]] = {}
    for operation in operations:
        calls, answer = count_upstream(system, operation, token)
        _check_answer(operation, answer)
        upstream[operation.name] = {f"{svc} {route}": n for (svc, route), n in calls.items()}
        _say(f"upstream calls of {operation.name}: {upstream[operation.name]}")
    return dataset, operations, upstream


def _measure_phase(
    bench: Bench, operations: list[Operation], upstream: dict[str, dict[str, int]]
) -> tuple[list[OperationResult], dict[str, dict[str, Any] | None]]:
    """Measure every operation and its floor on the running system."""
    credentials = bench.signed_in()
    results: list[OperationResult] = []
    profiles: dict[str, dict[str, Any] | None] = {}
    for operation in operations:
        _say(f"measuring {operation.name} …")
        result, profile = measure_operation(
            bench.system,
            operation,
            upstream=upstream[operation.name],
            credentials=credentials,
            workdir=bench.config.workdir / "requests",
            plan=bench.plan,
        )
        results.append(result)
        profiles[operation.name] = _profile_json(profile)
    return results, profiles


@dataclass
class Measured:
    """What one measuring pass found (each part empty when not asked for)."""

    results: list[OperationResult] = field(default_factory=list)
    profiles: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    metrics_cost: list[dict[str, Any]] = field(default_factory=list)
    cache_cost: list[dict[str, Any]] = field(default_factory=list)
    apollo: list[dict[str, Any]] = field(default_factory=list)


def _measure_all(
    args: argparse.Namespace,
    system: System,
    config: SystemConfig,
    dataset: Dataset,
    operations: list[Operation],
    upstream: dict[str, Any],
    plan: Plan,
) -> Measured:
    """Every measurement the options ask for, on one running system.

    `--apollo` runs only the Apollo comparison; otherwise the operations and their floors, the
    month view on a response cache hit, then (outside `--quick`) the metrics cost and the Apollo
    comparison unless skipped.
    """
    measured = Measured()
    bench = Bench(system, config, dataset.user_id, plan, GATEWAY_BENCH_ENV)
    if not args.apollo:
        measured.results, measured.profiles = _measure_phase(bench, operations, upstream)
        if not args.skip_cache_cost:
            measured.cache_cost = measure_cache_cost(bench, operations)
        if args.quick:
            return measured
        if not args.skip_metrics_cost:
            measured.metrics_cost = measure_metrics_cost(bench, operations)
        if args.skip_apollo:
            return measured
    # Our gateway against the Apollo reference, over the same services (byte-equal answers).
    _say("comparing with the Apollo Server reference gateway …")
    measured.apollo = measure_apollo(bench, operations)
    return measured


def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[OperationResult]]:
    """The whole bench: the machine-readable results and the per-operation figures.

    `--quick` measures on the INFO-logging processes of the counting pass instead of restarting
    them, which saves a restart and costs some accuracy: good enough for a smoke test.
    """
    wrk_path()
    with_apollo = args.apollo or not (args.quick or args.skip_apollo)
    if with_apollo:
        node_path()
    if args.profile:
        py_spy_path()
    size = TINY if args.tiny else FULL
    plan = Plan(
        warmup=LoadShape(args.connections, args.threads, args.warmup),
        shape=LoadShape(args.connections, args.threads, args.duration),
        runs=args.runs,
        profile=args.profile,
    )
    log_level = "INFO" if args.quick else "WARNING"
    started_at = datetime.now(UTC)
    load_at_start = os.getloadavg()
    sql_floor: list[dict[str, Any]] = []
    with bench_workdir(keep=args.keep_workdir) as tmp:
        config = SystemConfig(workdir=tmp)
        with running_system(
            config, log_level="INFO", extra_gateway_env=GATEWAY_BENCH_ENV
        ) as system:
            dataset, operations, upstream = _count_phase(system, config, size, args.only)
            if args.quick:  # measure on the counting pass's processes: no restart
                measured = _measure_all(args, system, config, dataset, operations, upstream, plan)
        if not args.quick:
            with running_system(
                config, log_level=log_level, extra_gateway_env=GATEWAY_BENCH_ENV
            ) as system:
                measured = _measure_all(args, system, config, dataset, operations, upstream, plan)
        results, profiles = measured.results, measured.profiles
        metrics_cost, apollo = measured.metrics_cost, measured.apollo
        if results and not args.skip_sql_floor:
            _say("running the services' SQL straight on the driver …")
            sql_floor = measure_sql_floor(
                config, operations, results, user_id=dataset.user_id, seconds=args.sql_floor_s
            )
    document = {
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.run", *args.argv]),
        "machine": machine_info(),
        # 1, 5 and 15-minute load averages: what else the two cores were doing.
        "load_average": {"started": load_at_start, "finished": os.getloadavg()},
        "revision": git_revision(),
        "config": {
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "runs": args.runs,
            "statistic": "median of the runs, each figure on its own",
            "environment": f"FC_ENVIRONMENT=test, FC_LOG_LEVEL={log_level}, random secrets, "
            "fresh SQLite files, gateway rate limits off",
            "dataset": asdict(size),
        },
        "operations": [r.to_json() for r in results],
        "scaling": scaling(results),
        "targets": targets(results),
    }
    if args.profile:
        document["gateway_profiles"] = profiles
    if metrics_cost:
        document["metrics_cost"] = metrics_cost
    if measured.cache_cost:
        document["cache_cost"] = measured.cache_cost
    if apollo:
        document["apollo"] = apollo
    if sql_floor:
        document["sql_floor"] = sql_floor
    return document, results


def main(argv: list[str] | None = None) -> int:
    """Run the bench, print the tables, write the results; 1 on any failure."""
    args = parse_args(argv)
    try:
        document, results = run(args)
    except BenchError as exc:
        _say(f"bench failed: {exc}")
        return 1
    print_report(document, results)
    path = write_results(document, args.results_dir)
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    print(f"\nresults: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
