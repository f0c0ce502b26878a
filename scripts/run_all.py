"""`make run`: migrate, start the three processes with prefixed logs, seed the demo, serve.

Ports, databases and everything else come from the same environment variables each process
reads (`CALENDAR_PORT`, `GATEWAY_DATABASE_URL`, `FC_DATA_DIR`, …); the gateway is pointed at the
services' ports unless `GATEWAY_CALENDAR_URL` / `GATEWAY_DIARY_URL` say otherwise. Ctrl-C (or
SIGTERM, or SIGHUP when the terminal closes) stops all three: each gets one SIGTERM and a few
seconds to finish what it is doing. Once everything is up, a process that dies is restarted with
backoff (`scripts/supervise.py`); none outlives this script, however it ends. A port that is
already taken is reported with the process holding it, before anything starts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

import httpx

from calendar_svc.settings import CalendarSettings
from diary_svc.settings import DiarySettings
from fc_common.settings import CommonSettings, load_settings
from graph_gateway.http.graphiql.page import DEMO_EMAIL, DEMO_PASSWORD
from graph_gateway.settings import GatewaySettings
from scripts.migrate import migrate_all
from scripts.ports import port_holder, port_is_free
from scripts.processes import PROCESSES, Process, die_with_parent, wait_ready
from scripts.seed import SeedError, seed
from scripts.supervise import child, say, spawn, stop, supervise, use_colour

READY_TIMEOUT_S = 90.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _reachable(host: str) -> str:
    """The address to reach a server bound to `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - compared, not bound


def taken_ports(children: list[Process], settings: tuple[CommonSettings, ...]) -> list[str]:
    """A line for each child whose port is taken, naming the process that holds it."""
    return [
        f"port {child.port} ({child.name}) is taken by {port_holder(child.port)}; stop it or set "
        f"{child.name.upper()}_PORT"
        for child, s in zip(children, settings, strict=True)
        if not port_is_free(s.host, child.port)
    ]


def child_env(calendar: Process, diary: Process) -> dict[str, str]:
    """This environment, with the gateway pointed at the services unless told otherwise."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("GATEWAY_CALENDAR_URL", calendar.url)
    env.setdefault("GATEWAY_DIARY_URL", diary.url)
    return env


def banner(gateway: Process, token: str | None, *, colour: bool) -> None:
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
    """Start everything, seed, then serve (restarting what dies) until a stop signal."""
    colour = use_colour()
    settings = (
        load_settings(CalendarSettings, service="calendar_svc"),
        load_settings(DiarySettings, service="diary_svc"),
        load_settings(GatewaySettings, service="graph_gateway"),
    )
    calendar, diary, gateway = children = [
        child(name, module, _reachable(s.host), s.port, colour=colour)
        for (name, module), s in zip(PROCESSES, settings, strict=True)
    ]

    if taken := taken_ports(children, settings):
        for line in taken:
            say("run", line, colour=colour)
        return 1
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
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
        for process in children:
            spawn(process, env, colour=colour)
        await asyncio.to_thread(wait_ready, children, READY_TIMEOUT_S, give_up=stopping.is_set)
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
        await supervise(children, env, stopping, colour=colour)
    except (RuntimeError, SeedError, httpx.HTTPError) as error:
        # Ctrl-C while starting is a normal way to give up, not a failure.
        code = 0 if stopping.is_set() else 1
        say("run", "interrupted" if code == 0 else f"error: {error}", colour=colour)
    finally:
        say("run", "stopping", colour=colour)
        await stop(children, colour=colour)
        say("run", "stopped", colour=colour)
    return code


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run until stopped."""
    parser = argparse.ArgumentParser(description="Start the whole Fortune Compass backend.")
    parser.add_argument("--no-seed", action="store_true", help="do not seed the demo account")
    args = parser.parse_args(argv)
    # Started by `make run` (or by hand): a development system unless told otherwise.
    os.environ.setdefault("FC_ENVIRONMENT", "development")
    # If whatever started us (make, a terminal) is killed, stop the stack as on SIGTERM.
    die_with_parent(signal.SIGTERM)
    return asyncio.run(run(seed_demo=not args.no_seed))


if __name__ == "__main__":
    sys.exit(main())
