"""`make run`'s process manager: start children that die with it, restart them with backoff.

supervisord/systemd semantics: a child that exits while the system runs is started again after
a delay that doubles with each quick failure (0.5 s up to 30 s) and resets once it has stayed up;
the others keep serving meanwhile. Every child gets the platform's parent-death signal
(Linux `prctl(PR_SET_PDEATHSIG)`), so none outlives this script, even when it is SIGKILLed.
Starting, stopping and output are `scripts/processes.py`'s; this module adds the restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial

from scripts.processes import Process, stop_all

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 30.0
STABLE_AFTER_S = 10.0
STOP_TIMEOUT_S = 8.0
_PRINTING = threading.Lock()
COLOURS = {"calendar": "36", "diary": "35", "gateway": "33", "run": "32"}


def say(name: str, line: str, *, colour: bool) -> None:
    """Print one line with its process's prefix."""
    prefix = f"[{name}]".ljust(11)
    if colour:
        prefix = f"\x1b[{COLOURS.get(name, '0')}m{prefix}\x1b[0m"
    with _PRINTING:  # children's lines arrive on threads: one whole line at a time
        print(f"{prefix}{line}", flush=True)


def child(name: str, module: str, host: str, port: int, *, colour: bool) -> Process:
    """A supervised process: its own session, dying with us, its output printed with a prefix."""
    echo = partial(say, name, colour=colour)
    return Process(name, module, port, host=host, echo=echo, detached=True)


@dataclass
class Backoff:
    """The delay before the next restart: doubling on quick failures, reset after a stable run."""

    delay_s: float = FIRST_DELAY_S

    def after_exit(self, ran_s: float) -> float:
        """How long to wait before restarting a child that ran for `ran_s` seconds."""
        if ran_s >= STABLE_AFTER_S:
            self.delay_s = FIRST_DELAY_S
        delay, self.delay_s = self.delay_s, min(self.delay_s * 2, MAX_DELAY_S)
        return delay


def spawn(process: Process, env: dict[str, str], *, colour: bool) -> None:
    """Start a child and say so (with its pid, which the tests read)."""
    process.start(env)
    say("run", f"started {process.module} (pid {process.pid}) on {process.url}", colour=colour)


async def exited(process: Process) -> int:
    """Wait for the child to exit; its exit code."""
    assert process.popen is not None
    return await asyncio.to_thread(process.popen.wait)


async def keep_alive(
    process: Process, env: dict[str, str], stopping: asyncio.Event, *, colour: bool
) -> None:
    """Restart the child whenever it exits, with backoff, until we are stopping."""
    backoff = Backoff()
    while True:
        code = await exited(process)
        if stopping.is_set():
            return
        delay = backoff.after_exit(time.monotonic() - process.started_at)
        say(
            "run", f"{process.module} exited with {code}; restarting in {delay:.1f}s", colour=colour
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
        if stopping.is_set():
            return
        spawn(process, env, colour=colour)


async def supervise(
    children: list[Process], env: dict[str, str], stopping: asyncio.Event, *, colour: bool
) -> None:
    """Keep every child running until a stop signal."""
    keepers = [asyncio.create_task(keep_alive(c, env, stopping, colour=colour)) for c in children]
    await stopping.wait()
    for keeper in keepers:
        keeper.cancel()
    await asyncio.gather(*keepers, return_exceptions=True)


async def stop(children: list[Process], *, colour: bool) -> None:
    """SIGTERM each running child (gateway first), wait a few seconds, then kill stragglers."""

    def killing(process: Process) -> None:
        say(
            "run", f"{process.module} did not stop in {STOP_TIMEOUT_S:.0f}s; killing", colour=colour
        )

    running = [c for c in reversed(children) if c.running]
    await asyncio.to_thread(stop_all, running, STOP_TIMEOUT_S, on_kill=killing)


def use_colour() -> bool:
    """Whether to colour the prefixes (a terminal, unless NO_COLOR says otherwise)."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()
