"""The command-line options of `python -m bench.run`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts.processes import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "bench" / "results"
RUN_DOC = "Load a dataset, drive every operation and its floor with wrk, report."


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The bench's options, with `--quick` applied and the command line kept for the results."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=RUN_DOC)
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
        "--skip-cache-cost",
        action="store_true",
        help="skip the month view through a gateway with the response cache on (needs Redis)",
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
