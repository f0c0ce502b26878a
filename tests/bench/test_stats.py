"""The bench's pure helpers: wrk's JSON summary, /proc stat lines, medians and linear growth."""

from __future__ import annotations

import os

import pytest

from bench.operations import Call, route_of
from bench.stats import (
    BenchError,
    grows_at_most_linearly,
    median,
    parse_proc_stat,
    parse_wrk_output,
    process_cpu_seconds,
)

WRK_STDOUT = """Running 1s test @ http://127.0.0.1:18123
  2 threads and 4 connections
  1712 requests in 1.00s, 312.64KB read
Requests/sec:   1708.50
BENCH_JSON {"requests": 1712, "duration_us": 1002046, "bytes": 320144, "errors": {"connect": 0, \
"read": 1, "write": 0, "status": 2, "timeout": 3}, "latency_us": {"min": 552, "max": 12214, \
"mean": 2334.6, "stdev": 1120.3, "percentiles": {"50": 2111, "75": 2655, "90": 3303, \
"99": 7532, "99.9": 11643}}}
"""


def test_wrk_summary_is_read_from_the_json_line() -> None:
    summary = parse_wrk_output(WRK_STDOUT)
    assert summary.requests == 1712
    assert summary.rps == pytest.approx(1708.5, rel=1e-3)
    assert summary.percentile_ms("50") == pytest.approx(2.111)
    assert summary.percentile_ms("99.9") == pytest.approx(11.643)
    assert summary.errors == 6
    assert summary.latency_max_ms == pytest.approx(12.214)


def test_wrk_output_without_exactly_one_json_line_is_refused() -> None:
    with pytest.raises(BenchError, match="got 0"):
        parse_wrk_output("Requests/sec: 10\n")
    with pytest.raises(BenchError, match="unreadable"):
        parse_wrk_output('BENCH_JSON {"requests": 1}\n')
    with pytest.raises(BenchError, match="no p42"):
        parse_wrk_output(WRK_STDOUT).percentile_ms("42")


def test_proc_stat_sums_user_and_system_ticks_even_with_odd_command_names() -> None:
    line = "4242 (python (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 3 0"
    assert parse_proc_stat(line) == 1234 + 567
    with pytest.raises(BenchError):
        parse_proc_stat("4242 (python) S 1 2")


def test_own_process_cpu_time_is_read_and_grows() -> None:
    before = process_cpu_seconds(os.getpid())
    sum(i * i for i in range(3_000_000))
    assert process_cpu_seconds(os.getpid()) > before


def test_median_of_an_even_and_an_empty_list() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(BenchError):
        median([])


@pytest.mark.parametrize(
    ("points", "linear"),
    [
        ([(10, 1.0), (50, 3.0), (100, 5.0)], True),  # fixed cost plus per-item cost
        ([(10, 1.0), (50, 5.0), (100, 10.0)], True),  # exactly proportional
        ([(10, 1.0), (50, 6.0), (100, 12.0)], False),  # 10→50 grew 6× for 5× the items
        ([(100, 5.0), (10, 1.0), (50, 3.0)], True),  # order does not matter
    ],
)
def test_growth_faster_than_the_size_is_flagged(
    points: list[tuple[int, float]], linear: bool
) -> None:
    assert grows_at_most_linearly(points) is linear


def test_routes_collapse_ids_and_query_strings() -> None:
    assert route_of("GET", "/events/12?first=5") == "GET /events/{id}"
    assert route_of("POST", "/events/batch") == "POST /events/batch"
    assert route_of("GET", "/events?first=50") == "GET /events"


def test_request_lines_are_tab_separated_and_refuse_raw_tabs() -> None:
    call = Call("POST", "/graphql", {"query": "{ a\tb }"})
    line = call.tsv_line({"Authorization": "Bearer x"})
    assert line.split("\t") == [
        "POST",
        "/graphql",
        '{"query": "{ a\\tb }"}',
        "Authorization",
        "Bearer x",
    ]
    assert Call("GET", "/events/1").tsv_line({}).split("\t") == ["GET", "/events/1", ""]
    with pytest.raises(ValueError, match="tab"):
        Call("GET", "/a\tb").tsv_line({})
