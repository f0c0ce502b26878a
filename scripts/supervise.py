"""`make run`'s process manager: start children that die with it, restart them with backoff.

supervisord/systemd semantics: a child that exits while the system runs is started again after
a delay that doubles with each quick failure (0.5 s up to 30 s) and resets once it has stayed up;
the others keep serving meanwhile. Every child gets the platform's parent-death signal
(Linux `prctl(PR_SET_PDEATHSIG)`), so none outlives this script, even when it is SIGKILLed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from dataclasses import dataclass, field

PR_SET_PDEATHSIG = 1
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 30.0
STABLE_AFTER_S = 10.0
STOP_TIMEOUT_S = 8.0
COLOURS = {"calendar": "36", "diary": "35", "gateway": "33", "run": "32"}


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send `signum` to this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def _child_setup() -> None:
    """Run in each child between fork and exec: die with us (SIGTERM: drain, then exit)."""
    die_with_parent(signal.SIGTERM)


def say(name: str, line: str, *, colour: bool) -> None:
    """Print one line with its process's prefix."""
    prefix = f"[{name}]".ljust(11)
    if colour:
        prefix = f"\x1b[{COLOURS.get(name, '0')}m{prefix}\x1b[0m"
    print(f"{prefix}{line}", flush=True)


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


@dataclass
class Child:
    """One of the three processes, started, read and restarted by this script."""

    name: str
    module: str
    port: int
    host: str
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    pumps: list[asyncio.Task[None]] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether its process is alive."""
        return self.process is not None and self.process.returncode is None


async def spawn(child: Child, env: dict[str, str], *, colour: bool) -> None:
    """Start a child in its own session (Ctrl-C reaches only us), tied to our life."""
    child.process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        child.module,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_child_setup,
    )
    child.started_at = time.monotonic()
    say("run", f"started {child.module} (pid {child.process.pid}) on {child.url}", colour=colour)
    child.pumps.append(asyncio.create_task(_pump(child, child.process, colour=colour)))


async def _pump(child: Child, process: asyncio.subprocess.Process, *, colour: bool) -> None:
    assert process.stdout is not None
    async for raw in process.stdout:
        say(child.name, raw.decode("utf-8", errors="replace").rstrip(), colour=colour)


async def keep_alive(
    child: Child, env: dict[str, str], stopping: asyncio.Event, *, colour: bool
) -> None:
    """Restart the child whenever it exits, with backoff, until we are stopping."""
    backoff = Backoff()
    while True:
        assert child.process is not None
        code = await child.process.wait()
        if stopping.is_set():
            return
        delay = backoff.after_exit(time.monotonic() - child.started_at)
        say(
            "run",
            f"{child.module} exited with {code}; restarting in {delay:.1f}s",
            colour=colour,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
        if stopping.is_set():
            return
        await spawn(child, env, colour=colour)


async def supervise(
    children: list[Child], env: dict[str, str], stopping: asyncio.Event, *, colour: bool
) -> None:
    """Keep every child running until a stop signal."""
    keepers = [asyncio.create_task(keep_alive(c, env, stopping, colour=colour)) for c in children]
    await stopping.wait()
    for keeper in keepers:
        keeper.cancel()
    await asyncio.gather(*keepers, return_exceptions=True)


async def stop(children: list[Child], *, colour: bool) -> None:
    """SIGTERM each running child (gateway first), wait a few seconds, then kill stragglers."""
    running = [c for c in reversed(children) if c.running]
    for child in running:
        assert child.process is not None
        with contextlib.suppress(ProcessLookupError):
            child.process.send_signal(signal.SIGTERM)
    for child in running:
        assert child.process is not None
        try:
            await asyncio.wait_for(child.process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            say(
                "run",
                f"{child.module} did not stop in {STOP_TIMEOUT_S:.0f}s; killing",
                colour=colour,
            )
            child.process.kill()
            await child.process.wait()
    for child in children:
        for pump in child.pumps:
            await pump


def use_colour() -> bool:
    """Whether to colour the prefixes (a terminal, unless NO_COLOR says otherwise)."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()
