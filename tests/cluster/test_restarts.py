"""Restarts and crashes under steady load through nginx: a rolling restart onto a release with a
new migration and back again fails no request; a SIGKILL of one replica of each kind fails no
read, and a write caught in flight fails with a clear error and is not duplicated on retry."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
from pathlib import Path

import httpx
import psycopg
import pytest

from cluster.load import Load
from cluster.replicas import State
from scripts.processes import REPO_ROOT
from tests.cluster.conftest import RunningCluster
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up

EXPAND_MIGRATION = '''"""A newer release's expand-only step: a column the previous release ignores.

Revision ID: 9001
Revises: {head}
"""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event", sa.Column("colour_hint", sa.String(7), nullable=True))


def downgrade() -> None:
    op.drop_column("event", "colour_hint")
'''
CREATE = """mutation($t: String!) { createEvent(input: {title: $t,
  startsAt: "2026-12-25T09:00:00+09:00", endsAt: "2026-12-25T10:00:00+09:00"}) { id } }"""
COUNT = "{ events(first: 1) { totalCount } }"


def next_release(folder: Path) -> Path:
    """This checkout's tracked files plus one expand migration of the calendar: a new release."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO_ROOT / name.decode()
        if source.is_file():
            (folder / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name.decode())
    versions = folder / "calendar_svc" / "migrations" / "versions"
    head = max(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*.py"))
    (versions / "9001_colour_hint.py").write_text(EXPAND_MIGRATION.format(head=head))
    return folder


def calendar_columns(cluster: RunningCluster) -> set[str]:
    """The calendar database's `event` columns."""
    with psycopg.connect(cluster.topology.database_url("calendar")) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'event'"
        )
        return {row[0] for row in rows}


@pytest.mark.timeout(1500)  # two rolling restarts of six replicas on a loaded 2-core machine
def test_rolling_forward_onto_a_migration_and_back_fails_no_request(
    running_cluster: RunningCluster, user: LiveUser, tmp_path: Path
) -> None:
    release = next_release(tmp_path / "release")
    with Load(running_cluster.topology.public_url, user.token) as load:
        forward = running_cluster.command("rolling-restart", "--release", str(release))
        assert "colour_hint" in calendar_columns(running_cluster)
        back = running_cluster.command("rolling-restart", "--release", str(REPO_ROOT))
    print(forward.stdout, back.stdout, f"load through nginx: {load.report}")
    assert "ahead of this release" in back.stdout
    # The previous release runs against the expanded schema: the column stays.
    assert "colour_hint" in calendar_columns(running_cluster)
    state = State.load(running_cluster.topology)
    assert state is not None and state.release == str(REPO_ROOT)
    assert all(running.generation == 2 for running in state.replicas.values())
    assert load.report["reads"] > 100 and load.report["writes"] > 30, load.report
    assert load.failed == 0, (load.report, load.failures[:5])


async def _keyed_writes(
    client: GraphQLClient, writer: LiveUser, stop: asyncio.Event
) -> tuple[int, list[str]]:
    """Create events one by one, each retried with its own Idempotency-Key until it succeeds.

    Returns how many were written and the error codes of the attempts that failed.
    """
    failures: list[str] = []
    written = 0
    while not stop.is_set():
        key = {"Idempotency-Key": f"write-{written + 1}"}
        while True:
            try:
                result = await client.execute(
                    CREATE, {"t": f"write {written + 1}"}, token=writer.token, headers=key
                )
            except httpx.TransportError as error:
                failures.append(type(error).__name__)
                continue
            if not result.errors:
                break
            failures.extend(str(code) for code in result.error_codes)
            await asyncio.sleep(0.1)
        written += 1
    return written, failures


@pytest.mark.timeout(600)
async def test_a_sigkill_of_each_kind_fails_no_read_and_duplicates_no_write(
    running_cluster: RunningCluster, public: GraphQLClient, user: LiveUser
) -> None:
    writer = await sign_up(public)
    stop = asyncio.Event()
    with Load(running_cluster.topology.public_url, user.token) as load:
        writes = asyncio.create_task(_keyed_writes(public, writer, stop))
        for name in ("calendar-1", "diary-1", "gateway-1"):
            await asyncio.sleep(3)
            state = State.load(running_cluster.topology)
            assert state is not None
            os.kill(state.replicas[name].pid, signal.SIGKILL)
        await asyncio.sleep(3)
        stop.set()
        written, failed_attempts = await writes
    healed = await asyncio.to_thread(running_cluster.command, "heal")
    print(healed.stdout, f"load through nginx: {load.report}")
    print(f"keyed writes: {written}, failed attempts: {failed_attempts}")
    assert load.report["read_failures"] == 0, (load.report, load.failures[:5])
    assert load.report["reads"] > 100, load.report
    # Only requests in flight on a killed replica may fail: at most one per connection per kill,
    # each answered with a clear error.
    assert load.failed <= 3 * 16, (load.report, load.failures[:5])
    assert all("SERVICE_UNAVAILABLE" in line for line in load.failures), load.failures[:5]
    assert set(failed_attempts) <= {"SERVICE_UNAVAILABLE"}, failed_attempts
    # Every keyed write happened exactly once, however often it was retried.
    count = (await public.execute(COUNT, token=writer.token)).ok()["events"]["totalCount"]
    assert count == written > 10
