"""What the account e2e modules share: give a user one of everything, read it all back through
GraphQL, and look straight into each database and the image store for what a user owns."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from scripts.processes import Process
from tests.image_factory import png_bytes
from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack
from tests.support.uploads import image_root, upload

TAG = 'mutation { createTag(input: {name: "운동 🏃", color: "#16A34A"}) { id } }'
EVENT = """mutation($t: ID!, $s: DateTime!) {
  createEvent(input: {title: "한강 러닝", description: "e\\u0301", startsAt: $s,
                      endsAt: $s, tagIds: [$t]}) { id }
}"""
ENTRY = """mutation($t: ID!) {
  createDiaryEntry(input: {date: "2026-11-28", title: "아침", content: "상쾌했다 🏃",
                           mood: HAPPY, weather: SUNNY, tagIds: [$t]}) { id }
}"""
EVERYTHING = """{
  me { id email displayName timeZone createdAt }
  tags { id name color }
  events(first: 100) { edges { node { id title description location startsAt endsAt allDay
                                       tags { id } createdAt updatedAt } } }
  diaryEntries(first: 100) { edges { node { id date title content mood weather tags { id }
        images { id url contentType byteSize width height createdAt } createdAt updatedAt } } }
}"""
# Where each service keeps rows of an owner: (database env var, table, owner column).
OWNED_ROWS = [
    ("CALENDAR_DATABASE_URL", "tag", "owner_id"),
    ("CALENDAR_DATABASE_URL", "event", "owner_id"),
    ("DIARY_DATABASE_URL", "entry", "owner_id"),
    ("DIARY_DATABASE_URL", "image", "owner_id"),
    ("GATEWAY_DATABASE_URL", "user_account", "id"),
    ("GATEWAY_DATABASE_URL", "auth_session", "user_id"),
    ("GATEWAY_DATABASE_URL", "api_key", "user_id"),
    ("GATEWAY_DATABASE_URL", "account_deletion", "user_id"),
]


async def give_everything(http: httpx.AsyncClient, stack: LiveStack, user: LiveUser) -> None:
    """A tag, two events, an entry with that tag and two images (one with a thumbnail)."""
    graphql = GraphQLClient(http, stack.graphql_url)
    tag = (await graphql.execute(TAG, token=user.token)).ok()["createTag"]["id"]
    for start in ("2026-11-28T07:00:00+09:00", "2026-11-29T07:00:00+09:00"):
        (await graphql.execute(EVENT, {"t": tag, "s": start}, token=user.token)).ok()
    entry = (await graphql.execute(ENTRY, {"t": tag}, token=user.token)).ok()
    entry_id = entry["createDiaryEntry"]["id"]
    for width in (40, 300):
        response = await upload(http, stack, user.token, entry_id, png_bytes(width, 30))
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    thumbnails = await graphql.execute(
        "{ diaryEntries { edges { node { images { thumbnailUrl(width: 64) } } } } }",
        token=user.token,
    )
    for node in thumbnails.ok()["diaryEntries"]["edges"]:
        for image in node["node"]["images"]:
            assert (await http.get(image["thumbnailUrl"])).status_code == 200


async def read_everything(graphql: GraphQLClient, token: str) -> dict[str, Any]:
    """Everything a user can read through GraphQL."""
    return (await graphql.execute(EVERYTHING, token=token)).ok()


def owned_row_counts(stack: LiveStack, user_id: str) -> dict[str, int]:
    """How many rows of each owning table belong to the user, in every database."""
    counts: dict[str, int] = {}
    for variable, table, column in OWNED_ROWS:
        engine = create_engine(stack.env[variable])
        with engine.connect() as conn:
            query = text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :u")  # noqa: S608 - constants
            counts[table] = int(conn.execute(query, {"u": int(user_id)}).scalar_one())
        engine.dispose()
    return counts


def storage_keys(stack: LiveStack, user_id: str) -> list[str]:
    """The storage keys of the user's image rows."""
    engine = create_engine(stack.env["DIARY_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT storage_key FROM image WHERE owner_id = :u"), {"u": int(user_id)}
        )
        keys = [str(row[0]) for row in rows]
    engine.dispose()
    return keys


def image_files(stack: LiveStack) -> set[str]:
    """The names of every file in the image store."""
    root = image_root(stack)
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def kill(process: Process) -> None:
    """SIGKILL a process: no shutdown code runs."""
    process.kill()


def stop_quietly(process: Process) -> None:
    """Stop a process that may already be dead."""
    if process.running:
        try:
            process.stop()
        except subprocess.SubprocessError:
            process.kill()


def export_root(stack: LiveStack) -> Path:
    """Where the gateway keeps export archives."""
    return Path(stack.env["FC_DATA_DIR"]) / "exports"
