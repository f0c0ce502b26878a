"""Back up while 8 clients write through the gateway, wipe everything, restore, start again:
every write acknowledged before the backup started is there, nothing dangles, images are
byte-identical. On SQLite files and on PostgreSQL (`FC_TEST_DB=postgresql`)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fc_common.backup_state import last_backup_finished_at
from scripts.processes import REPO_ROOT
from tests.conftest import POSTGRES_ADMIN_URL
from tests.e2e.conftest import DatabaseSet
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up
from tests.support.live_stack import LiveStack, running_stack
from tests.support.uploads import upload

WRITERS = 8
LOG_IN = "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }"
CREATE_TAG = 'mutation($n: String!) { createTag(input: {name: $n, color: "#123456"}) { id } }'
DELETE_TAG = "mutation($id: ID!) { deleteTag(id: $id) }"
CREATE_EVENT = (
    'mutation($t: [ID!]) { createEvent(input: {title: "w", startsAt: "2026-04-01T09:00:00Z", '
    'endsAt: "2026-04-01T10:00:00Z", tagIds: $t}) { id } }'
)
CREATE_ENTRY = (
    'mutation($t: [ID!]) { createDiaryEntry(input: {date: "2026-04-01", content: "w", '
    "tagIds: $t}) { id } }"
)
_names = itertools.count()


@dataclass
class Acked:
    """What the writers were told succeeded, and when."""

    events: dict[str, float] = field(default_factory=dict)
    entries: dict[str, float] = field(default_factory=dict)
    deleted_tags: dict[str, float] = field(default_factory=dict)
    images: dict[str, tuple[float, str, str]] = field(default_factory=dict)  # id: t, entry, sha
    warmed_up: asyncio.Event = field(default_factory=asyncio.Event)


def run_backup_cli(stack: LiveStack, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m backup ...` in the stack's environment."""
    return subprocess.run(
        [sys.executable, "-m", "backup", *args],
        cwd=REPO_ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def png(seed: int) -> bytes:
    """A small PNG, different for each seed."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (seed % 256, (seed * 7) % 256, 90)).save(out, format="PNG")
    return out.getvalue()


async def writer(
    graphql: GraphQLClient, stack: LiveStack, user: LiveUser, acked: Acked, stop: asyncio.Event
) -> None:
    """Create tags, events, entries and images, and delete tags, until told to stop."""
    tags: list[str] = []
    for step in itertools.count():
        if stop.is_set():
            return
        tag = await graphql.execute(CREATE_TAG, {"n": f"t{next(_names)}"}, token=user.token)
        tags.append(tag.ok()["createTag"]["id"])
        event = await graphql.execute(CREATE_EVENT, {"t": tags[-1:]}, token=user.token)
        acked.events[event.ok()["createEvent"]["id"]] = time.time()
        entry = await graphql.execute(CREATE_ENTRY, {"t": tags[-2:]}, token=user.token)
        entry_id = entry.ok()["createDiaryEntry"]["id"]
        acked.entries[entry_id] = time.time()
        if step % 3 == 0:
            response = await upload(graphql.http, stack, user.token, entry_id, png(step))
            image = response.json()["data"]["addDiaryImage"]
            served = await graphql.http.get(image["url"])
            digest = hashlib.sha256(served.content).hexdigest()
            acked.images[image["id"]] = (time.time(), entry_id, digest)
        if len(tags) > 2:
            doomed = tags.pop(0)
            (await graphql.execute(DELETE_TAG, {"id": doomed}, token=user.token)).ok()
            acked.deleted_tags[doomed] = time.time()
        if min(len(acked.deleted_tags), len(acked.images)) >= WRITERS:
            acked.warmed_up.set()


def wipe(stack: LiveStack, urls: dict[str, str]) -> None:
    """Delete every database and the image store."""
    shutil.rmtree(Path(stack.env["FC_DATA_DIR"]), ignore_errors=True)
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    for url in urls.values():
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
            continue
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{parsed.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


async def test_backup_during_writes_restores_every_acknowledged_write(
    tmp_path: Path, make_databases: DatabaseSet
) -> None:
    urls = make_databases("backup")
    backup_dir = tmp_path / "backup"
    acked = Acked()
    with running_stack(tmp_path / "before", urls) as stack:
        async with httpx.AsyncClient(timeout=60.0) as http:
            graphql = GraphQLClient(http, stack.graphql_url)
            users = [await sign_up(graphql) for _ in range(2)]
            stop = asyncio.Event()
            tasks = [
                asyncio.create_task(writer(graphql, stack, users[i % 2], acked, stop))
                for i in range(WRITERS)
            ]
            # Some of every kind of write is acknowledged before the backup starts.
            await asyncio.wait_for(acked.warmed_up.wait(), timeout=60)
            started = time.time()
            stack.env.update(BACKUP_DIR=str(backup_dir), FC_BACKUP_ROOT=str(tmp_path / "backups"))
            taken = await asyncio.to_thread(run_backup_cli, stack, "backup")
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.gather(*tasks)
        assert taken.returncode == 0, taken.stderr
        finished = last_backup_finished_at(tmp_path / "backups")
        assert finished is not None and finished.timestamp() > started
        refused = run_backup_cli(stack, "restore", str(backup_dir))
        assert refused.returncode == 2 and "stop the system first" in refused.stderr
    assert any(t > started for t in acked.entries.values()), "writes went on during the backup"

    verified = run_backup_cli(stack, "verify", str(backup_dir))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    wipe(stack, urls)
    restored = run_backup_cli(stack, "restore", str(backup_dir))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    fsck = run_backup_cli(stack, "fsck", "--hash-images")
    assert fsck.returncode == 0, fsck.stdout
    assert not any(json.loads(fsck.stdout)["found"].values()), fsck.stdout

    env = {k: v for k, v in stack.env.items() if k.startswith(("FC_", "GATEWAY_J"))}
    with running_stack(tmp_path / "after", urls, extra_env=env) as after:
        async with httpx.AsyncClient(timeout=60.0) as http:
            graphql = GraphQLClient(http, after.graphql_url)
            seen = await _everything(graphql, users)
    before = {k for k, t in acked.events.items() if t < started}
    assert before and before <= seen["events"], sorted(before - seen["events"])
    assert {k for k, t in acked.entries.items() if t < started} <= seen["entries"]
    gone = {k for k, t in acked.deleted_tags.items() if t < started}
    assert gone and not gone & seen["tags"] and not gone & seen["linked_tags"]
    assert seen["linked_tags"] <= seen["tags"], "no entry or event links a missing tag"
    for image_id, (at, _entry, digest) in acked.images.items():
        if at < started:
            assert seen["images"].get(image_id) == digest, image_id


async def _everything(graphql: GraphQLClient, users: list[LiveUser]) -> dict[str, Any]:
    """Every id the users can see after the restore, and each image's bytes' SHA-256."""
    seen: dict[str, Any] = {"events": set(), "entries": set(), "tags": set(), "linked_tags": set()}
    seen["images"] = {}
    query = (
        "query($a: String, $b: String) { tags { id } "
        "events(first: 100, after: $a) { pageInfo { hasNextPage endCursor } "
        "edges { node { id tags { id } } } } "
        "diaryEntries(first: 100, after: $b) { pageInfo { hasNextPage endCursor } "
        "edges { node { id tags { id } images { id url } } } } }"
    )
    for user in users:
        login = await graphql.execute(LOG_IN, {"e": user.email, "p": user.password})
        token = login.ok()["logIn"]["token"]
        cursors: dict[str, str | None] = {"a": None, "b": None}
        while True:
            data = (await graphql.execute(query, cursors, token=token)).ok()
            seen["tags"] |= {t["id"] for t in data["tags"]}
            for kind, key, name in (("events", "a", "events"), ("diaryEntries", "b", "entries")):
                for edge in data[kind]["edges"]:
                    seen[name].add(edge["node"]["id"])
                    seen["linked_tags"] |= {t["id"] for t in edge["node"]["tags"]}
                    for image in edge["node"].get("images", []):
                        body = (await graphql.http.get(image["url"])).content
                        seen["images"][image["id"]] = hashlib.sha256(body).hexdigest()
                page = data[kind]["pageInfo"]
                cursors[key] = page["endCursor"] if page["hasNextPage"] else cursors[key]
            more = [data[kind]["pageInfo"]["hasNextPage"] for kind in ("events", "diaryEntries")]
            if not any(more):
                break
    return seen
