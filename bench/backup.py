"""`python -m bench.backup`: how long a backup, a verify and an fsck take on the bench dataset,
idle and while clients write; and what an `Idempotency-Key` costs a mutation.

It starts the three processes as `make bench` does (fresh SQLite files, `FC_ENVIRONMENT=test`),
loads the bench dataset, then runs `python -m backup` as `make backup` would.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from backup.manifest import Manifest
from bench.dataset import FULL, TINY, load_dataset, log_in
from bench.procs import SystemConfig, running_system
from scripts.processes import REPO_ROOT

CREATE_EVENT = (
    'mutation { createEvent(input: {title: "bench", startsAt: "2026-07-01T09:00:00Z", '
    'endsAt: "2026-07-01T10:00:00Z"}) { id } }'
)


def _cli(env: dict[str, str], *args: str) -> float:
    """Run `python -m backup ...`; its wall time in seconds (fails loudly on a non-zero exit)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "backup", *args],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _capture_seconds(folder: Path) -> float:
    """How long a backup's capture took, from its manifest (no process start-up in it)."""
    manifest = Manifest.read(folder)
    started = datetime.fromisoformat(manifest.started_at)
    return (datetime.fromisoformat(manifest.finished_at) - started).total_seconds()


async def _mutations(url: str, token: str, count: int, *, keyed: bool) -> list[float]:
    """`count` sequential createEvent calls; each one's latency in ms."""
    latencies = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for n in range(count):
            headers = {"Authorization": f"Bearer {token}"}
            if keyed:
                headers["Idempotency-Key"] = f"bench-{time.time_ns()}-{n}"
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": CREATE_EVENT}, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            assert "errors" not in response.json(), response.text
    return latencies


async def _writes_during(url: str, token: str, env: dict[str, str]) -> tuple[float, int]:
    """A backup while 8 clients create events; its time and the writes acknowledged meanwhile."""
    done = asyncio.Event()
    acked = 0

    async def writer() -> None:
        nonlocal acked
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            while not done.is_set():
                headers = {"Authorization": f"Bearer {token}"}
                await client.post("/graphql", json={"query": CREATE_EVENT}, headers=headers)
                acked += 1

    tasks = [asyncio.create_task(writer()) for _ in range(8)]
    await asyncio.sleep(0.5)
    before = acked
    seconds = await asyncio.to_thread(_cli, env, "backup")
    writes = acked - before
    done.set()
    await asyncio.gather(*tasks)
    return seconds, writes


def main(argv: list[str] | None = None) -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="the small dataset")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    size = TINY if args.tiny else FULL
    with tempfile.TemporaryDirectory(prefix="fc-bench-backup-") as scratch:
        workdir = Path(scratch)
        config = SystemConfig(workdir=workdir)
        with running_system(config, log_level="WARNING") as system:
            asyncio.run(load_dataset(
                gateway_url=system.gateway.url,
                service_urls={n: p.url for n, p in system.services.items()},
                internal_token=config.internal_token,
                size=size,
            ))  # fmt: skip
            env = {
                **os.environ,
                "FC_ENVIRONMENT": "test",
                "FC_DATA_DIR": str(workdir),
                "FC_BACKUP_ROOT": str(workdir / "backups"),
                "FC_BACKUP_KEEP": "100",
                **{
                    f"{n.upper()}_DATABASE_URL": config.database_url(n)
                    for n in ("gateway", "calendar", "diary")
                },
            }
            idle = [_cli(env, "backup") for _ in range(args.runs)]
            token = asyncio.run(log_in(system.gateway.url))
            under_load, writes = asyncio.run(_writes_during(system.gateway.url, token, env))
            plain = asyncio.run(_mutations(system.gateway.url, token, 200, keyed=False))
            keyed = asyncio.run(_mutations(system.gateway.url, token, 200, keyed=True))
            latest = max(
                (p for p in (workdir / "backups").iterdir() if p.is_dir()), key=lambda p: p.name
            )
            size_mb = sum(f.stat().st_size for f in latest.rglob("*") if f.is_file()) / 1e6
            capture_s = [_capture_seconds(p) for p in (workdir / "backups").iterdir() if p.is_dir()]
            verify = _cli(env, "verify", str(latest))
            fsck = _cli(env, "fsck", "--hash-images")
    print(
        f"backup, idle (median of {args.runs}): {statistics.median(idle):.2f} s wall "
        f"(the capture itself, from the manifests: median {statistics.median(capture_s):.2f} s, "
        f"max {max(capture_s):.2f} s), {size_mb:.1f} MB"
    )
    print(f"backup under 8 writing clients: {under_load:.2f} s, {writes} writes acked during it")
    print(f"backup-verify: {verify:.2f} s; fsck --hash-images: {fsck:.2f} s")
    for name, values in (("createEvent", plain), ("createEvent + Idempotency-Key", keyed)):
        q = statistics.quantiles(values, n=100)
        print(
            f"{name}: p50 {statistics.median(values):.1f} ms, p99 {q[98]:.1f} ms (200 sequential)"
        )


if __name__ == "__main__":
    main()
