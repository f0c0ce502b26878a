"""`python -m bench.run`: load a dataset, drive every operation and its floor with wrk, report.

Two phases on the same databases: the processes first run with INFO logs, to load the data and
count each operation's upstream calls from their request lines; then they restart with WARNING
logs, so logging does not weigh on what wrk measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.apollo_cost import markdown_apollo, measure_apollo, node_path
from bench.dataset import Dataset, DatasetSize, load_dataset, log_in
from bench.load import LoadShape, wrk_path
from bench.machine import git_revision, machine_info
from bench.measure import Credentials, Plan, measure_operation
from bench.metrics_cost import markdown_metrics_cost, measure_metrics_cost
from bench.operations import Operation, build_operations
from bench.procs import REPO_ROOT, System, SystemConfig, running_system
from bench.profile import Profile, py_spy_path
from bench.report import OperationResult, markdown_scaling, markdown_table, scaling, targets
from bench.sql_floor import markdown_sql_floor, measure_sql_floor
from bench.stats import BenchError
from bench.upstream import count_upstream

RESULTS_DIR = REPO_ROOT / "bench" / "results"
# The bench sends thousands of requests a second as one user: a per-user limit would refuse
# nearly all of them, and measuring refusals is not measuring the gateway.
GATEWAY_BENCH_ENV = {"GATEWAY_RATE_LIMIT_ENABLED": "false"}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per target (median)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 s runs, 1 run each: a smoke test")
    parser.add_argument(
        "--tiny", action="store_true", help="a tiny dataset instead of the full one"
    )
    parser.add_argument("--only", default="", help="comma-separated operation names to run")
    parser.add_argument(
        "--profile", action="store_true", help="sample the gateway with py-spy in an extra run"
    )
    parser.add_argument(
        "--skip-metrics-cost",
        action="store_true",
        help="skip comparing gateways with metrics/tracing off and on (never run with --quick)",
    )
    parser.add_argument(
        "--apollo",
        action="store_true",
        help="run only the comparison with the Apollo Server reference gateway",
    )
    parser.add_argument(
        "--skip-apollo",
        action="store_true",
        help="skip the comparison with the Apollo Server reference gateway",
    )
    parser.add_argument(
        "--skip-sql-floor",
        action="store_true",
        help="skip running the services' SQL straight on the driver (the SQL floor)",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--keep-workdir", action="store_true", help="keep the databases and logs for a look after"
    )
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.duration, args.warmup, args.runs = 2, 1, 1
    args.sql_floor_s = 0.3 if args.quick else 1.0
    return args


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


@contextmanager
def _workdir(*, keep: bool) -> Iterator[Path]:
    """A fresh folder for the databases, logs and request files; removed after unless kept."""
    path = Path(tempfile.mkdtemp(prefix="fc-bench-"))
    try:
        yield path
    finally:
        if keep:
            _say(f"databases and logs kept in {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


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
    system: System,
    config: SystemConfig,
    dataset: Dataset,
    operations: list[Operation],
    upstream: dict[str, dict[str, int]],
    plan: Plan,
) -> tuple[list[OperationResult], dict[str, dict[str, Any] | None]]:
    """Measure every operation and its floor on the running system."""
    credentials = Credentials(
        token=asyncio.run(log_in(system.gateway.url)),
        internal_token=config.internal_token,
        user_id=dataset.user_id,
    )
    results: list[OperationResult] = []
    profiles: dict[str, dict[str, Any] | None] = {}
    for operation in operations:
        _say(f"measuring {operation.name} …")
        result, profile = measure_operation(
            system,
            operation,
            upstream=upstream[operation.name],
            credentials=credentials,
            workdir=config.workdir / "requests",
            plan=plan,
        )
        results.append(result)
        profiles[operation.name] = _profile_json(profile)
    return results, profiles


def _apollo_phase(
    system: System,
    config: SystemConfig,
    dataset: Dataset,
    operations: list[Operation],
    plan: Plan,
) -> list[dict[str, Any]]:
    """Our gateway against the Apollo reference, over the same services (byte-equal answers)."""
    _say("comparing with the Apollo Server reference gateway …")
    credentials = Credentials(
        token=asyncio.run(log_in(system.gateway.url)),
        internal_token=config.internal_token,
        user_id=dataset.user_id,
    )
    return measure_apollo(system, config, operations, credentials=credentials, plan=plan)


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
    size = DatasetSize.tiny() if args.tiny else DatasetSize()
    plan = Plan(
        warmup=LoadShape(args.connections, args.threads, args.warmup),
        shape=LoadShape(args.connections, args.threads, args.duration),
        runs=args.runs,
        profile=args.profile,
    )
    log_level = "INFO" if args.quick else "WARNING"
    started_at = datetime.now(UTC)
    load_at_start = os.getloadavg()
    metrics_cost: list[dict[str, Any]] = []
    apollo: list[dict[str, Any]] = []
    sql_floor: list[dict[str, Any]] = []
    results: list[OperationResult] = []
    profiles: dict[str, dict[str, Any] | None] = {}
    with _workdir(keep=args.keep_workdir) as tmp:
        config = SystemConfig(workdir=tmp)
        with running_system(
            config, log_level="INFO", extra_gateway_env=GATEWAY_BENCH_ENV
        ) as system:
            dataset, operations, upstream = _count_phase(system, config, size, args.only)
            if args.quick and not args.apollo:
                results, profiles = _measure_phase(
                    system, config, dataset, operations, upstream, plan
                )
            if args.quick and args.apollo:
                apollo = _apollo_phase(system, config, dataset, operations, plan)
        if args.apollo and not args.quick:
            with running_system(
                config, log_level=log_level, extra_gateway_env=GATEWAY_BENCH_ENV
            ) as system:
                apollo = _apollo_phase(system, config, dataset, operations, plan)
        if not (args.quick or args.apollo):
            with running_system(
                config, log_level=log_level, extra_gateway_env=GATEWAY_BENCH_ENV
            ) as system:
                results, profiles = _measure_phase(
                    system, config, dataset, operations, upstream, plan
                )
                if not args.skip_metrics_cost:
                    metrics_cost = measure_metrics_cost(
                        system,
                        config,
                        operations,
                        user_id=dataset.user_id,
                        gateway_env=GATEWAY_BENCH_ENV,
                        plan=plan,
                    )
                if with_apollo:
                    apollo = _apollo_phase(system, config, dataset, operations, plan)
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
    if apollo:
        document["apollo"] = apollo
    if sql_floor:
        document["sql_floor"] = sql_floor
    return document, results


def write_results(document: dict[str, Any], directory: Path) -> Path:
    """Write `<timestamp>.json` and `latest.json`; return the first."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(document["started_at"]).strftime("%Y-%m-%dT%H-%M-%SZ")
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path = directory / f"{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path


def _print_profiles(profiles: dict[str, Any]) -> None:
    for name, profile in profiles.items():
        if profile is None:
            continue
        print(f"\ngateway profile of {name} ({profile['samples']} samples), top self time:")
        for frame in profile["self_time"][:10]:
            print(f"  {frame['share'] * 100:5.1f}%  {frame['frame']}")


def main(argv: list[str] | None = None) -> int:
    """Run the bench, print the tables, write the results; 1 on any failure."""
    args = _parse_args(argv)
    try:
        document, results = run(args)
    except BenchError as exc:
        _say(f"bench failed: {exc}")
        return 1
    if results:
        print(markdown_table(results))
        if document["scaling"]:
            print()
            print(markdown_scaling(document["scaling"]))
        print()
        for name, target in document["targets"].items():
            met = "MET    " if target["met"] else "NOT MET"
            print(f"{met} {name}: {target.get('figures', '')}")
    if document.get("metrics_cost"):
        print("\nmetrics and tracing cost (gateways side by side, runs alternating):")
        print(markdown_metrics_cost(document["metrics_cost"]))
    if document.get("sql_floor"):
        print("\nservices against their SQL floor (the same statements on sqlite3 + orjson):")
        print(markdown_sql_floor(document["sql_floor"]))
    if document.get("apollo"):
        print("\nour gateway against Apollo Server 5 (same services, identical answers, ABAB):")
        print(markdown_apollo(document["apollo"]))
    _print_profiles(document.get("gateway_profiles", {}))
    path = write_results(document, args.results_dir)
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    print(f"\nresults: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
