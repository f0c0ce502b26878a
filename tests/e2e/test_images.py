"""Diary images end to end: the three real processes, uploads over GraphQL multipart, signed URLs.

The stack here is this module's own (not the session's), so it can give the processes their own
temporary folder (to prove a refused upload leaves no spooled file behind) and read their memory.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest
from gql import Client, FileVar, gql
from gql.transport.httpx import HTTPXAsyncTransport
from PIL import ExifTags, Image, ImageSequence

from graph_gateway.image_urls import ImageUrlSigner
from graph_gateway.settings import GatewaySettings
from tests import image_factory
from tests.e2e.live import (
    GraphQLClient,
    LiveStack,
    LiveUser,
    sign_up,
    start_stack,
    wait_ready,
)

pytestmark = pytest.mark.e2e

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


def sqlite_urls(workdir: Path) -> dict[str, str]:
    """One SQLite file per process under `workdir`."""
    return {name: f"sqlite:///{workdir / name}.db" for name in ("calendar", "diary", "gateway")}


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (an absent folder has none)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def image_root(stack: LiveStack) -> Path:
    """The diary's image store (`images/` under FC_DATA_DIR)."""
    return Path(stack.env["FC_DATA_DIR"]) / "images"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """The three processes, sharing a private temporary folder for spooled uploads."""
    workdir = tmp_path_factory.mktemp("images-stack")
    (workdir / "tmp").mkdir()
    live = start_stack(workdir, sqlite_urls(workdir), extra_env={"TMPDIR": str(workdir / "tmp")})
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client with room for 50 MB transfers."""
    async with httpx.AsyncClient(timeout=120.0) as client:
        yield client


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


KINDS = {
    "jpeg-with-gps": (image_factory.jpeg_with_gps(64, 48), "image/jpeg", (64, 48)),
    "png": (image_factory.png_bytes(40, 30), "image/png", (40, 30)),
    "webp": (image_factory.webp_bytes(40, 30), "image/webp", (40, 30)),
    "animated-gif": (image_factory.animated_gif_bytes(3, 24, 16), "image/gif", (24, 16)),
}


@pytest.mark.parametrize("kind", list(KINDS))
async def test_gql_client_upload_round_trips(
    http: httpx.AsyncClient, stack: LiveStack, tmp_path: Path, kind: str
) -> None:
    data, content_type, size = KINDS[kind]
    user, entry_id = await new_user_and_entry(http, stack)
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    transport = HTTPXAsyncTransport(
        url=stack.graphql_url, headers={"Authorization": f"Bearer {user.token}", **PREFLIGHT}
    )
    request = gql(ADD_IMAGE)
    request.variable_values = {"entryId": entry_id, "file": FileVar(str(path))}

    async with Client(transport=transport) as session:
        result = await session.execute(request, upload_files=True)

    image = result["addDiaryImage"]
    assert (image["contentType"], (image["width"], image["height"])) == (content_type, size)
    with await check_served(http, image) as decoded:
        assert decoded.size == size
        if kind == "animated-gif":
            assert getattr(decoded, "n_frames", 1) == 3


@pytest.mark.parametrize("kind", list(KINDS))
async def test_raw_multipart_upload_round_trips(
    http: httpx.AsyncClient, stack: LiveStack, kind: str
) -> None:
    data, content_type, size = KINDS[kind]
    user, entry_id = await new_user_and_entry(http, stack)

    response = await upload(http, stack, user.token, entry_id, data)

    assert response.status_code == 200, response.text
    image = response.json()["data"]["addDiaryImage"]
    assert image["contentType"] == content_type
    with await check_served(http, image) as decoded:
        assert decoded.size == size
    listed = await GraphQLClient(http, stack.graphql_url).execute(
        ENTRY_IMAGES, {"id": entry_id}, token=user.token
    )
    assert [i["id"] for i in listed.ok()["diaryEntry"]["images"]] == [image["id"]]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"milk, eggs, a sketchbook\n", "photo.png"),
        (image_factory.truncated_jpeg(), "photo.jpg"),
    ],
    ids=["text-named-photo-png", "truncated-jpeg"],
)
async def test_non_images_are_bad_user_input(
    http: httpx.AsyncClient, stack: LiveStack, data: bytes, filename: str
) -> None:
    user, entry_id = await new_user_and_entry(http, stack)
    before = files_under(image_root(stack))

    response = await upload(http, stack, user.token, entry_id, data, filename=filename)

    [error] = errors_of(response)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "file"}
    assert files_under(image_root(stack)) == before


async def test_upload_without_the_csrf_header_is_refused(
    http: httpx.AsyncClient, stack: LiveStack
) -> None:
    user, entry_id = await new_user_and_entry(http, stack)

    response = await upload(
        http, stack, user.token, entry_id, image_factory.png_bytes(), headers={}
    )

    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in errors_of(response)[0]["message"]


async def test_another_users_entry_is_not_found(http: httpx.AsyncClient, stack: LiveStack) -> None:
    _, entry_id = await new_user_and_entry(http, stack)
    stranger, _ = await new_user_and_entry(http, stack)

    response = await upload(http, stack, stranger.token, entry_id, image_factory.png_bytes())

    assert [e["extensions"]["code"] for e in errors_of(response)] == ["NOT_FOUND"]


async def test_the_21st_image_is_refused(http: httpx.AsyncClient, stack: LiveStack) -> None:
    user, entry_id = await new_user_and_entry(http, stack)
    tiny = image_factory.png_bytes(3, 3)
    for _ in range(20):
        assert not errors_of(await upload(http, stack, user.token, entry_id, tiny))

    response = await upload(http, stack, user.token, entry_id, tiny)

    [error] = errors_of(response)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "entryId"}


async def test_tampered_expired_and_deleted_urls(http: httpx.AsyncClient, stack: LiveStack) -> None:
    user, entry_id = await new_user_and_entry(http, stack)
    image = (await upload(http, stack, user.token, entry_id, image_factory.png_bytes())).json()
    url: str = image["data"]["addDiaryImage"]["url"]
    image_id = int(image["data"]["addDiaryImage"]["id"])
    settings = GatewaySettings(jwt_secret=stack.env["GATEWAY_JWT_SECRET"], environment="test")
    yesterday = ImageUrlSigner.from_settings(settings, clock=lambda: time.time() - 86_400)
    expired = yesterday.url(
        image_id=image_id, user_id=int(user.id), request_base_url=stack.gateway.url
    )
    tampered = url.replace(f"/images/{image_id}?", f"/images/{image_id + 1}?")

    assert (await http.get(url)).status_code == 200
    assert (await http.get(tampered)).status_code == 403
    assert (await http.get(expired)).status_code == 403
    assert (await http.get(url.replace("sig=", "sig=A"))).status_code == 403
    deleted = await GraphQLClient(http, stack.graphql_url).execute(
        "mutation($id: ID!) { deleteDiaryImage(id: $id) }", {"id": str(image_id)}, token=user.token
    )
    assert deleted.ok() == {"deleteDiaryImage": str(image_id)}
    assert (await http.get(url)).status_code == 404


@pytest.fixture(scope="module")
def fifty_mb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A valid GIF of exactly 50 MB, and one of 50 MB + 1 byte."""
    folder = tmp_path_factory.mktemp("big")
    exact, over = folder / "exact.gif", folder / "over.gif"
    exact.write_bytes(image_factory.padded_gif(LIMIT))
    over.write_bytes(image_factory.padded_gif(LIMIT + 1))
    with Image.open(exact) as check:
        check.load()  # Pillow itself accepts the padded file as a picture
    return exact, over


def rss_kib(pid: int, field: str) -> int:
    """A `/proc/<pid>/status` memory figure (VmRSS, VmHWM) in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def reset_peak(pid: int) -> None:
    """Make VmHWM start again from the current resident size (Linux `clear_refs` 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A real ~48 MB JPEG: 12.5 megapixels of noise at quality 100 (what phones send, and worse)."""
    width, height = 3800, 3300
    path = tmp_path_factory.mktemp("big") / "noise.jpg"
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        path, format="JPEG", quality=100, subsampling=0
    )
    size = path.stat().st_size
    assert 40 * MB < size <= LIMIT
    return path, size


async def upload_measuring_memory(
    http: httpx.AsyncClient, stack: LiveStack, path: Path
) -> tuple[httpx.Response, dict[str, float]]:
    """Upload `path`; the answer and how far each process's resident memory peaked above its
    level before the upload (MB)."""
    user, entry_id = await new_user_and_entry(http, stack)
    # A small upload first, so lazily imported code and warmed pools are not counted.
    await upload(http, stack, user.token, entry_id, image_factory.png_bytes())
    pids = {p.name: p.popen.pid for p in (stack.gateway, stack.diary) if p.popen}
    for pid in pids.values():
        reset_peak(pid)
    before = {name: rss_kib(pid, "VmRSS") for name, pid in pids.items()}
    with path.open("rb") as file:
        response = await upload(http, stack, user.token, entry_id, file, filename=path.name)
    peaks = {name: rss_kib(pid, "VmHWM") for name, pid in pids.items()}
    return response, {name: (peaks[name] - before[name]) / 1024 for name in pids}


async def test_exactly_50_mb_is_accepted_within_the_memory_bound(
    http: httpx.AsyncClient, stack: LiveStack, fifty_mb: tuple[Path, Path]
) -> None:
    exact, _ = fifty_mb

    response, rises_mb = await upload_measuring_memory(http, stack, exact)

    assert response.status_code == 200, response.text
    image = response.json()["data"]["addDiaryImage"]
    assert (image["contentType"], image["width"], image["height"]) == ("image/gif", 8, 8)
    (await check_served(http, image)).close()
    print(f"peak RSS rise, 50 MB padded GIF (MB): {rises_mb}")
    for name, rise in rises_mb.items():
        assert rise <= 2 * LIMIT / MB, f"{name} rose by {rise:.1f} MB"


async def test_a_big_real_jpeg_stays_within_the_memory_bound(
    http: httpx.AsyncClient, stack: LiveStack, big_jpeg: tuple[Path, int]
) -> None:
    path, size = big_jpeg

    response, rises_mb = await upload_measuring_memory(http, stack, path)

    assert response.status_code == 200, response.text
    image = response.json()["data"]["addDiaryImage"]
    assert (image["width"], image["height"]) == (3800, 3300)
    # Rewritten, not re-encoded: the stored picture is the uploaded one, byte for byte in its scans.
    assert abs(image["byteSize"] - size) < 64 * 1024
    print(f"peak RSS rise, {size / MB:.1f} MB JPEG (MB): {rises_mb}")
    for name, rise in rises_mb.items():
        assert rise <= 2 * size / MB, f"{name} rose by {rise:.1f} MB"


async def test_50_mb_and_one_byte_is_413_and_leaves_nothing(
    http: httpx.AsyncClient, stack: LiveStack, fifty_mb: tuple[Path, Path]
) -> None:
    _, over = fifty_mb
    user, entry_id = await new_user_and_entry(http, stack)
    stored = files_under(image_root(stack))

    with over.open("rb") as file:
        response = await upload(http, stack, user.token, entry_id, file, filename="big.gif")

    assert response.status_code == 413
    assert [e["extensions"]["code"] for e in errors_of(response)] == ["PAYLOAD_TOO_LARGE"]
    assert files_under(image_root(stack)) == stored
    assert files_under(stack.workdir / "tmp") == []  # no spooled upload left in any process


async def test_a_crash_between_file_and_row_is_swept_at_restart(
    http: httpx.AsyncClient, tmp_path: Path
) -> None:
    crash_env = {"DIARY_TEST_CRASH_AFTER_FILE_WRITE": "1", "DIARY_IMAGE_SWEEP_GRACE_S": "0"}
    live = start_stack(tmp_path, sqlite_urls(tmp_path), extra_env=crash_env)
    try:
        user, entry_id = await new_user_and_entry(http, live)

        crashed = await upload(http, live, user.token, entry_id, image_factory.png_bytes())

        assert [e["extensions"]["code"] for e in errors_of(crashed)] == ["SERVICE_UNAVAILABLE"]
        assert live.diary.stop() == 70  # it exited at the hook, after the file, before the row
        orphans = [p for p in files_under(image_root(live)) if ".incoming" not in p.parts]
        assert len(orphans) == 1

        live.diary.start({k: v for k, v in live.env.items() if not k.startswith("DIARY_TEST_")})
        wait_ready([live.diary])

        assert files_under(image_root(live)) == []
        graphql = GraphQLClient(http, live.graphql_url)
        listed = await graphql.execute(ENTRY_IMAGES, {"id": entry_id}, token=user.token)
        assert listed.ok()["diaryEntry"]["images"] == []
        again = await upload(http, live, user.token, entry_id, image_factory.png_bytes())
        image = again.json()["data"]["addDiaryImage"]
        (await check_served(http, image)).close()
        assert len(files_under(image_root(live))) == 1
    finally:
        live.stop()
