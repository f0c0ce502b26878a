"""Diary image helpers the live suites share (e2e, hardening): the operations, upload, fetch."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, BinaryIO

import httpx
from PIL import ExifTags, Image, ImageSequence

from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up
from tests.support.live_stack import LiveStack

MB = 1024 * 1024
LIMIT = 50 * MB
PREFLIGHT = {"Apollo-Require-Preflight": "true"}
ADD_IMAGE = """
mutation Add($entryId: ID!, $file: Upload!) {
  addDiaryImage(entryId: $entryId, file: $file) { id url contentType byteSize width height }
}
"""
CREATE_ENTRY = """
mutation { createDiaryEntry(input: {date: "2026-05-05", content: "어린이날 🎈"}) { id } }
"""
ENTRY_IMAGES = "query($id: ID!) { diaryEntry(id: $id) { images { id byteSize url } } }"


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (an absent folder has none)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def image_root(stack: LiveStack) -> Path:
    """The diary's image store (`images/` under FC_DATA_DIR)."""
    return Path(stack.env["FC_DATA_DIR"]) / "images"


async def new_user_and_entry(http: httpx.AsyncClient, stack: LiveStack) -> tuple[LiveUser, str]:
    """A fresh account with one diary entry; the account and the entry's id."""
    graphql = GraphQLClient(http, stack.graphql_url)
    user = await sign_up(graphql)
    entry = (await graphql.execute(CREATE_ENTRY, token=user.token)).ok()["createDiaryEntry"]
    return user, entry["id"]


async def upload(
    http: httpx.AsyncClient,
    stack: LiveStack,
    token: str,
    entry_id: str,
    file: bytes | BinaryIO,
    *,
    filename: str = "photo.jpg",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """`addDiaryImage` as a raw GraphQL multipart request (operations, map, the file)."""
    operations = {"query": ADD_IMAGE, "variables": {"entryId": entry_id, "file": None}}
    body = io.BytesIO(file) if isinstance(file, bytes) else file
    return await http.post(
        stack.graphql_url,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, body, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}", **(PREFLIGHT if headers is None else headers)},
    )


def errors_of(response: httpx.Response) -> list[dict[str, Any]]:
    """The GraphQL errors of a response."""
    errors: list[dict[str, Any]] = response.json().get("errors") or []
    return errors


async def check_served(http: httpx.AsyncClient, image: dict[str, Any]) -> Image.Image:
    """Fetch an image through its signed URL and check what the headers promise."""
    shown = await http.get(image["url"])
    assert shown.status_code == 200, shown.text
    assert shown.headers["content-type"] == image["contentType"]
    assert int(shown.headers["content-length"]) == image["byteSize"] == len(shown.content)
    assert shown.headers["cache-control"].startswith("private")
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["etag"]
    decoded = Image.open(io.BytesIO(shown.content))
    for frame in ImageSequence.Iterator(decoded):
        frame.load()
    decoded.seek(0)
    assert not decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return decoded
