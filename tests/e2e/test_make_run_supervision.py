"""`make run` as a process manager: a killed service comes back, and nothing outlives the script.

Each test starts `python -m scripts.run_all` the way `make run` does and then hurts it: SIGKILL
of one service (restarted with backoff while the others serve partial results), SIGHUP (the
terminal closed) and SIGKILL of the script itself (the children die with it: parent-death signal).
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import DatabaseSet
from tests.e2e.test_make_run import RunAll, alive, counts, free_ports, run_all, run_env

GONE_WITHIN_S = 15.0
BACK_WITHIN_S = 30.0
SPLIT = "{ events(first: 1) { totalCount } diaryEntries(first: 1) { totalCount } }"


def wait_for(condition: object, within_s: float, what: str) -> None:
    """Poll `condition()` until it is true, or fail naming `what`."""
    deadline = time.monotonic() + within_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} did not happen within {within_s:.0f}s"
        time.sleep(0.1)


def calendar_pid(run: RunAll) -> int:
    """The pid of the calendar service run_all started last."""
    run.output()  # read what it printed since
    pids = [
        int(m.group(1))
        for line in run.lines
        if (m := re.search(r"started calendar_svc \(pid (\d+)\)", line))
    ]
    return pids[-1]


def test_a_killed_service_is_restarted_while_the_rest_serves(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    env = run_env(tmp_path, make_databases("restart"), free_ports())
    with run_all(env) as run:
        expected = counts(run)
        first = calendar_pid(run)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: not alive(first), 5, "the calendar's death")

        # Meanwhile: diary fields are served, calendar fields are null with a coded error.
        answer = httpx.post(
            run.graphiql_url,
            json={"query": SPLIT},
            headers={"Authorization": f"Bearer {run.token}"},
            timeout=30,
        ).json()
        assert answer["data"]["events"] is None
        assert answer["data"]["diaryEntries"]["totalCount"] == expected[1]
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["SERVICE_UNAVAILABLE"]

        def back() -> bool:
            try:
                return counts(run) == expected
            except (httpx.HTTPError, TypeError):
                return False

        wait_for(back, BACK_WITHIN_S, "the calendar's return")
        assert "calendar_svc exited with -9; restarting in 0.5s" in run.output()
        assert calendar_pid(run) != first
        assert run.popen.poll() is None  # still supervising
        pids = list(run.child_pids)
        run.popen.send_signal(signal.SIGINT)
        run.popen.wait(timeout=GONE_WITHIN_S)
    assert run.popen.returncode == 0, run.output()
    assert [pid for pid in pids if alive(pid)] == []


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGKILL])
def test_no_process_outlives_the_script(
    tmp_path: Path, make_databases: DatabaseSet, signum: signal.Signals
) -> None:
    env = run_env(tmp_path, make_databases(f"outlive{signum.value}"), free_ports())
    with run_all(env) as run:
        assert len(run.child_pids) == 3
        assert all(alive(pid) for pid in run.child_pids)
        run.popen.send_signal(signum)
        run.popen.wait(timeout=GONE_WITHIN_S)
        wait_for(
            lambda: not any(alive(pid) for pid in run.child_pids),
            GONE_WITHIN_S,
            f"the children's exit after {signum.name}",
        )
    if signum is signal.SIGHUP:
        assert run.popen.returncode == 0, run.output()
