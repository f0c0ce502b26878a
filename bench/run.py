"""`python -m bench.run`: load a dataset, drive every operation and its floor with wrk, report.

Two phases on the same databases: the processes first run with INFO logs, to load the data and
count each operation's upstream calls from their request lines; then they restart with WARNING
logs, so logging does not weigh on what wrk measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.dataset import Dataset, DatasetSize, load_dataset, log_in
from bench.load import LoadShape, Sample, run_wrk, wrk_path
from bench.machine import git_revision, machine_info
from bench.operations import Operation, build_operations, write_request_file
from bench.procs import REPO_ROOT, System, SystemConfig, running_system
from bench.report import (
    FloorResult,
    OperationResult,
    markdown_scaling,
    markdown_table,
    measured,
    scaling,
    targets,
)
from bench.stats import BenchError
from bench.upstream import count_upstream

RESULTS_DIR = REPO_ROOT / "bench" / "results"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per target (median)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="1 s runs, 1 run each: a smoke test")
    parser.add_argument(
        "--tiny", action="store_true", help="a tiny dataset instead of the full one"
    )
    parser.add_argument("--only", default="", help="comma-separated operation names to run")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.duration, args.warmup, args.runs = 1, 1, 1
    return args


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")


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
    if operation.result_size is not None:
        got = len(data["events"]["edges"])
        if got != operation.result_size:
            raise BenchError(f"{operation.name} returned {got} events")
    if any(value is None for value in data.values()):
        raise BenchError(f"{operation.name} answered null: {answer}")


def _measure(
    system: System,
    operation: Operation,
    *,
    config: SystemConfig,
    dataset: Dataset,
    token: str,
    args: argparse.Namespace,
) -> tuple[list[Sample], list[list[Sample]]]:
    """Warm up, then interleave the gateway and the floor calls run by run."""
    workdir = config.workdir / "requests"
    workdir.mkdir(exist_ok=True)
    slug = _slug(operation.name)
    targets_ = [
        (
            system.gateway.url,
            write_request_file(
                workdir / f"{slug}-gateway.tsv",
                operation.requests(),
                {"Authorization": f"Bearer {token}"},
            ),
        )
    ]
    internal = {"X-Internal-Token": config.internal_token, "X-User-Id": str(dataset.user_id)}
    for i, call in enumerate(operation.floor):
        path = write_request_file(workdir / f"{slug}-floor{i}.tsv", call.calls, internal)
        targets_.append((system.services[call.service].url, path))
    warm = LoadShape(args.connections, args.threads, args.warmup)
    shape = LoadShape(args.connections, args.threads, args.duration)
    for url, path in targets_:
        run_wrk(base_url=url, request_file=path, shape=warm, processes=system.all)
    gateway_runs: list[Sample] = []
    floor_runs: list[list[Sample]] = [[] for _ in operation.floor]
    for run in range(args.runs):
        for index, (url, path) in enumerate(targets_):
            sample = run_wrk(base_url=url, request_file=path, shape=shape, processes=system.all)
            if index == 0:
                gateway_runs.append(sample)
                _say(
                    f"  {operation.name} run {run + 1}/{args.runs}: {sample.wrk.rps:.0f} req/s, "
                    f"gateway {sample.cpu_ms_per_request('gateway'):.2f} CPU ms/req"
                )
            else:
                floor_runs[index - 1].append(sample)
    return gateway_runs, floor_runs


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole bench; returns the machine-readable results."""
    wrk_path()
    size = DatasetSize.tiny() if args.tiny else DatasetSize()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        config = SystemConfig(workdir=Path(tmp))
        with running_system(config, log_level="INFO") as system:
            _say(f"loading the dataset ({size}) …")
            dataset = asyncio.run(_prepare(system, config, size))
            operations = asyncio.run(_operations(system, config, dataset))
            if only:
                unknown = only - {op.name for op in operations}
                if unknown:
                    raise BenchError(f"unknown operations: {sorted(unknown)}")
                operations = [op for op in operations if op.name in only]
            token = asyncio.run(log_in(system.gateway.url))
            upstream: dict[str, dict[str, int]] = {}
            for operation in operations:
                calls, answer = count_upstream(system, operation, token)
                _check_answer(operation, answer)
                upstream[operation.name] = {
                    f"{svc} {route}": n for (svc, route), n in calls.items()
                }
                _say(f"upstream calls of {operation.name}: {upstream[operation.name]}")
        results: list[OperationResult] = []
        with running_system(config, log_level="WARNING") as system:
            for operation in operations:
                _say(f"measuring {operation.name} …")
                token = asyncio.run(log_in(system.gateway.url))
                gateway_runs, floor_runs = _measure(
                    system, operation, config=config, dataset=dataset, token=token, args=args
                )
                results.append(
                    OperationResult(
                        name=operation.name,
                        upstream=upstream[operation.name],
                        result_size=operation.result_size,
                        gateway=measured(gateway_runs),
                        floor=[
                            FloorResult(call.service, call.route, measured(samples))
                            for call, samples in zip(operation.floor, floor_runs, strict=True)
                        ],
                    )
                )
    return {
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.run", *(args.argv or [])]),
        "machine": machine_info(),
        "revision": git_revision(),
        "config": {
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "runs": args.runs,
            "statistic": "median of runs",
            "environment": (
                "FC_ENVIRONMENT=test, FC_LOG_LEVEL=WARNING, random secrets, fresh SQLite files"
            ),
            "dataset": asdict(size),
        },
        "operations": [r.to_json() for r in results],
        "scaling": scaling(results),
        "targets": targets(results),
        "_results": results,
    }


def write_results(results: dict[str, Any], directory: Path) -> Path:
    """Write `<timestamp>.json` and `latest.json`; return the first."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(results["started_at"]).strftime("%Y-%m-%dT%H-%M-%SZ")
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    path = directory / f"{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the bench, print the tables, write the results; 1 on any failure."""
    args = _parse_args(argv)
    try:
        results = run(args)
    except BenchError as exc:
        _say(f"bench failed: {exc}")
        return 1
    operation_results: list[OperationResult] = results.pop("_results")
    print(markdown_table(operation_results))
    if results["scaling"]:
        print()
        print(markdown_scaling(results["scaling"]))
    print()
    for name, target in results["targets"].items():
        print(f"{'MET    ' if target['met'] else 'NOT MET'} {name}: {target.get('figures', '')}")
    path = write_results(results, args.results_dir)
    print(f"\nresults: {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
