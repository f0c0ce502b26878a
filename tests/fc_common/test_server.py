"""A served process stops with exit 0 however many stop signals reach it while it shuts down."""

from __future__ import annotations

import itertools
import signal
import time
from pathlib import Path

import pytest

from tests.support.service_app import TOKEN
from tests.support.service_process import running_service

pytestmark = pytest.mark.e2e


def test_stop_signals_repeated_during_shutdown_still_exit_zero(
    database_url: str, tmp_path: Path
) -> None:
    # A supervisor that repeats its SIGTERM, or Ctrl-C reaching the whole process group while
    # the supervisor also sends SIGTERM: the late ones land while Python finalizes, after it has
    # put the default handlers back. Sent every few milliseconds, one always lands there.
    with running_service(
        "calendar_svc",
        env_prefix="CALENDAR_",
        database_url=database_url,
        workdir=tmp_path,
        token=TOKEN,
    ) as process:
        popen = process.popen
        assert popen is not None
        deadline = time.monotonic() + 30
        for stop_signal in itertools.cycle((signal.SIGTERM, signal.SIGINT)):
            if popen.poll() is not None or time.monotonic() > deadline:
                break
            popen.send_signal(stop_signal)
            time.sleep(0.003)
        assert popen.returncode == 0, process.log_tail()
