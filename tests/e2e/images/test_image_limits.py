"""Diary image limits end to end: exactly 50 MB in (within the memory bound), one byte more
refused with nothing left behind, and a crash between file and row swept at restart."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from PIL import Image

from scripts.processes import wait_ready
from tests import image_factory
from tests.support.graphql_client import GraphQLClient
from tests.support.live_stack import LiveStack, running_stack, sqlite_urls
from tests.support.uploads import (
    ENTRY_IMAGES,
    LIMIT,
    MB,
    check_served,
    errors_of,
    files_under,
    image_root,
    new_user_and_entry,
    upload,
)

pytestmark = pytest.mark.e2e


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
    with running_stack(tmp_path, sqlite_urls(tmp_path), extra_env=crash_env) as live:
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
