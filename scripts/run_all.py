"""`make run`: migrate, start the three processes with prefixed logs, seed the demo, serve.

Ports, databases and everything else come from the same environment variables each process
reads (`CALENDAR_PORT`, `GATEWAY_DATABASE_URL`, `FC_DATA_DIR`, …); the gateway is pointed at the
services' ports unless `GATEWAY_CALENDAR_URL` / `GATEWAY_DIARY_URL` say otherwise. Ctrl-C (or
SIGTERM) stops all three: each gets one SIGTERM and a few seconds to finish what it is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass, field

import httpx

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from graph_gateway.graphiql.page import DEMO_EMAIL, DEMO_PASSWORD
from graph_gateway.settings import GatewaySettings
from scripts.migrate import migrate_all
from scripts.seed import SeedError, seed

READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 8.0
PROCESSES = (("calendar", "calendar_svc"), ("diary", "diary_svc"), ("gateway", "graph_gateway"))
COLOURS = {"calendar": "36", "diary": "35", "gateway": "33", "run": "32"}


def _use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _reachable(host: str) -> str:
    """The address to reach a server bound to `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - compared, not bound


def say(name: str, line: str, *, colour: bool) -> None:
    """Print one line with its process's prefix."""
    prefix = f"[{name}]".ljust(11)
    if colour:
        prefix = f"\x1b[{COLOURS.get(name, '0')}m{prefix}\x1b[0m"
    print(f"{prefix}{line}", flush=True)


@dataclass
class Child:
    """One of the three processes, started and read by this script."""

    name: str
    module: str
    port: int
    host: str
    process: asyncio.subprocess.Process | None = None
    pump: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://{self.host}:{self.port}"


async def start(child: Child, env: dict[str, str], *, colour: bool) -> None:
    """Start a child in its own session, so Ctrl-C reaches only us and we stop it once."""
    child.process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        child.module,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    say("run", f"started {child.module} (pid {child.process.pid}) on {child.url}", colour=colour)
    child.pump = asyncio.create_task(_pump(child, colour=colour))


async def _pump(child: Child, *, colour: bool) -> None:
    assert child.process is not None and child.process.stdout is not None
    async for raw in child.process.stdout:
        say(child.name, raw.decode("utf-8", errors="replace").rstrip(), colour=colour)


async def wait_ready(children: list[Child], stopping: asyncio.Event) -> None:
    """Wait until every child answers 200 on `/health/ready`; fail if one exits first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with httpx.AsyncClient(timeout=2.0) as client:
        for child in children:
            while True:
                assert child.process is not None
                if child.process.returncode is not None:
                    raise RuntimeError(f"{child.module} exited with {child.process.returncode}")
                if stopping.is_set():
                    raise RuntimeError("stopped before everything was ready")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{child.url}/health/ready")).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{child.module} was not ready in {READY_TIMEOUT_S:.0f}s")
                await asyncio.sleep(0.1)


async def stop(children: list[Child], *, colour: bool) -> None:
    """SIGTERM each running child (gateway first), wait a few seconds, then kill stragglers."""
    running = [c for c in reversed(children) if c.process and c.process.returncode is None]
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
        if child.pump is not None:
            await child.pump


def child_env(calendar: Child, diary: Child) -> dict[str, str]:
    """This environment, with the gateway pointed at the services unless told otherwise."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("GATEWAY_CALENDAR_URL", calendar.url)
    env.setdefault("GATEWAY_DIARY_URL", diary.url)
    return env


def banner(gateway: Child, token: str | None, *, colour: bool) -> None:
    """Say where GraphiQL is and how to log in."""
    lines = [
        "",
        "Fortune Compass is running.",
        f"  GraphiQL:    {gateway.url}/graphql",
        f"  Demo login:  {DEMO_EMAIL} / {DEMO_PASSWORD}",
    ]
    if token is not None:
        lines.append(f"  Header:      Authorization: Bearer {token}")
    lines += ["  Stop:        Ctrl-C", ""]
    for line in lines:
        say("run", line, colour=colour)


async def run(*, seed_demo: bool) -> int:
    """Start everything, seed, serve until a signal or a child's death; return the exit code."""
    colour = _use_colour()
    settings = (CalendarSettings(), DiarySettings(), GatewaySettings())
    calendar, diary, gateway = children = [
        Child(name, module, s.port, _reachable(s.host))
        for (name, module), s in zip(PROCESSES, settings, strict=True)
    ]

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)

    try:
        await asyncio.to_thread(migrate_all, echo=lambda line: say("run", line, colour=colour))
    except Exception as error:
        say("run", f"migration failed: {error}", colour=colour)
        return 1
    if stopping.is_set():
        return 0
    env = child_env(calendar, diary)
    code = 0
    try:
        for child in children:
            await start(child, env, colour=colour)
        await wait_ready(children, stopping)
        token = None
        if seed_demo:
            report = await asyncio.to_thread(seed, f"{gateway.url}/graphql")
            say(
                "run",
                f"demo data: {report.created_tags} tags, {report.created_events} events, "
                f"{report.created_entries} diary entries created",
                colour=colour,
            )
            token = report.token
        banner(gateway, token, colour=colour)
        code = await _serve(children, stopping, colour=colour)
    except (RuntimeError, SeedError, httpx.HTTPError) as error:
        # Ctrl-C while starting is a normal way to give up, not a failure.
        code = 0 if stopping.is_set() else 1
        say("run", "interrupted" if code == 0 else f"error: {error}", colour=colour)
    finally:
        say("run", "stopping", colour=colour)
        await stop(children, colour=colour)
        say("run", "stopped", colour=colour)
    return code


async def _serve(children: list[Child], stopping: asyncio.Event, *, colour: bool) -> int:
    """Wait for a stop signal (exit 0) or for a child to die on its own (exit 1)."""
    waits = {asyncio.create_task(c.process.wait()): c for c in children if c.process is not None}
    signal_wait = asyncio.create_task(stopping.wait())
    done, _ = await asyncio.wait({signal_wait, *waits}, return_when=asyncio.FIRST_COMPLETED)
    for task in (signal_wait, *waits):
        task.cancel()
    if signal_wait in done:
        return 0
    dead = [waits[task] for task in done if task in waits]
    for child in dead:
        assert child.process is not None
        say("run", f"{child.module} exited with {child.process.returncode}", colour=colour)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run until stopped."""
    parser = argparse.ArgumentParser(description="Start the whole Fortune Compass backend.")
    parser.add_argument("--no-seed", action="store_true", help="do not seed the demo account")
    args = parser.parse_args(argv)
    return asyncio.run(run(seed_demo=not args.no_seed))


if __name__ == "__main__":
    sys.exit(main())
