"""`python -m bench.run --quick --tiny` end to end: real processes, real wrk, a results file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.run import main

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.usefixtures("wrk"),
]


def test_quick_bench_measures_two_operations_and_writes_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["--quick", "--tiny", "--only", "event(id),days(31 days)", "--results-dir", str(tmp_path)]
    )
    captured = capsys.readouterr()
    out = captured.out
    assert status == 0, captured.err
    latest = json.loads((tmp_path / "latest.json").read_text())
    assert len(list(tmp_path.glob("*.json"))) == 2  # the timestamped file and latest.json
    by_name = {op["name"]: op for op in latest["operations"]}
    assert set(by_name) == {"event(id)", "days(31 days)"}
    assert by_name["event(id)"]["upstream_calls"] == {"calendar POST /events/batch": 1}
    assert by_name["days(31 days)"]["upstream_calls"] == {
        "calendar POST /events/overlapping": 1,
        "diary POST /entries/by-date-range": 1,
    }
    for op in latest["operations"]:
        gateway = op["gateway"]
        assert gateway["rps"] > 0
        assert 0 < gateway["p50_ms"] <= gateway["p99_ms"]
        assert gateway["cpu_ms"]["gateway"] > 0
        assert all(call["cpu_ms"][call["service"]] > 0 for call in op["floor"])
    assert by_name["days(31 days)"]["gateway"]["cpu_ms"]["diary"] > 0
    assert latest["config"]["runs"] == 1
    floor = {(row["operation"], row["route"]): row for row in latest["sql_floor"]}
    assert set(floor) == {
        ("event(id)", "POST /events/batch"),
        ("days(31 days)", "POST /events/overlapping"),
        ("days(31 days)", "POST /entries/by-date-range"),
    }
    assert floor[("event(id)", "POST /events/batch")]["rows"] >= 1
    for row in floor.values():
        assert row["statements"] >= 1
        assert row["sql_floor_cpu_ms"] > 0
        assert row["service_over_sql_floor"] > 0
    assert "| event(id) |" in out
    assert "| days(31 days) |" in out
    # The month view again through a gateway answering from the response cache (every request
    # a hit, or the bench fails).
    (cached,) = latest["cache_cost"]
    assert cached["operation"] == "days(31 days)"
    assert set(cached["gateway_cpu_ms_per_request"]) == {"off", "hit"}
    assert all(cpu > 0 for cpu in cached["gateway_cpu_ms_per_request"].values())
    assert "| `days(31 days)` (response cache hit) |" in out
