"""What `python -m bench.run` prints and writes: the tables, the profiles, the results files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.apollo_cost import markdown_apollo
from bench.cache_cost import markdown_cache_cost
from bench.metrics_cost import markdown_metrics_cost
from bench.report import OperationResult, markdown_scaling, markdown_table
from bench.sql_floor import markdown_sql_floor

COMPARISONS: list[tuple[str, str, Callable[[list[dict[str, Any]]], str]]] = [
    (
        "cache_cost",
        "the month view from the response cache (gateways side by side, runs alternating)",
        markdown_cache_cost,
    ),
    (
        "metrics_cost",
        "metrics and tracing cost (gateways side by side, runs alternating)",
        markdown_metrics_cost,
    ),
    (
        "sql_floor",
        "services against their SQL floor (the same statements on sqlite3 + orjson)",
        markdown_sql_floor,
    ),
    (
        "apollo",
        "our gateway against Apollo Server 5 (same services, identical answers, ABAB)",
        markdown_apollo,
    ),
]
"""Each optional section of the results document: its key, the heading printed, its table."""


def print_report(document: dict[str, Any], results: list[OperationResult]) -> None:
    """Print every table the run measured, then the gateway profiles."""
    if results:
        print(markdown_table(results))
        if document["scaling"]:
            print()
            print(markdown_scaling(document["scaling"]))
        print()
        for name, target in document["targets"].items():
            met = "MET    " if target["met"] else "NOT MET"
            print(f"{met} {name}: {target.get('figures', '')}")
    for key, heading, table in COMPARISONS:
        if document.get(key):
            print(f"\n{heading}:")
            print(table(document[key]))
    _print_profiles(document.get("gateway_profiles", {}))


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
