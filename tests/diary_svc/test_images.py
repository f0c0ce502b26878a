"""Diary image routes over HTTP: upload, read, stream, delete, limits, and the sweep."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import ExifTags, Image

from diary_svc.app import create_app
from diary_svc.gc import sweep
from diary_svc.images import ImageShelf
from diary_svc.settings import DiarySettings
from tests import image_factory
from tests.diary_svc.conftest import make_entry
from tests.support.service_app import OWNER_B, headers_for, started

SMALL_LIMIT = 256 * 1024


def stored_files(settings: DiarySettings) -> list[Path]:
    """Every file under the image folder, spooled uploads and temporaries included."""
    return sorted(p for p in settings.image_root.rglob("*") if p.is_file())


async def upload(
    client: httpx.AsyncClient,
    entry_id: int,
    data: bytes,
    *,
    filename: str = "photo.jpg",
    owner_id: int | None = None,
) -> httpx.Response:
    """POST one file to an entry as the gateway does."""
    extra = headers_for(owner_id) if owner_id is not None else None
    return await client.post(
        f"/entries/{entry_id}/images",
        files={"file": (filename, io.BytesIO(data), "application/octet-stream")},
        headers=extra,
    )


async def test_upload_strips_gps_and_serves_the_clean_bytes(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(client)

    created = await upload(client, entry["id"], image_factory.jpeg_with_gps(64, 48))

    assert created.status_code == 201, created.text
    image = created.json()
    assert image["entry_id"] == entry["id"]
    assert (image["content_type"], image["width"], image["height"]) == ("image/jpeg", 64, 48)
    content = await client.get(f"/images/{image['id']}/content")
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/jpeg"
    assert int(content.headers["content-length"]) == image["byte_size"] == len(content.content)
    assert content.headers["etag"] == f'"{image["sha256"]}"'
    assert hashlib.sha256(content.content).hexdigest() == image["sha256"]
    with Image.open(io.BytesIO(content.content)) as decoded:
        decoded.load()
        assert decoded.size == (64, 48)
        assert not decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"FortuneCam" not in content.content
    assert len(stored_files(settings)) == 1


async def test_etag_revalidation_answers_304(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client)
    image = (await upload(client, entry["id"], image_factory.png_bytes())).json()

    again = await client.get(
        f"/images/{image['id']}/content", headers={"If-None-Match": f'"{image["sha256"]}"'}
    )

    assert again.status_code == 304
    assert again.content == b""


async def test_entry_reads_embed_images_oldest_first(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client)
    other = await make_entry(client)
    first = (await upload(client, entry["id"], image_factory.png_bytes())).json()
    second = (await upload(client, entry["id"], image_factory.animated_gif_bytes())).json()

    one = (await client.get(f"/entries/{entry['id']}")).json()
    batch = (await client.post("/entries/batch", json={"ids": [other["id"], entry["id"]]})).json()

    assert [i["id"] for i in one["images"]] == [first["id"], second["id"]]
    assert [i["content_type"] for i in one["images"]] == ["image/png", "image/gif"]
    assert batch["items"][0]["images"] == []
    assert batch["items"][1]["images"] == one["images"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"a shopping list, not a picture\n", "photo.png"),
        (image_factory.truncated_jpeg(), "photo.jpg"),
        (image_factory.png_header_only(100_000, 100_000), "bomb.png"),
    ],
    ids=["text-named-png", "truncated-jpeg", "bomb"],
)
async def test_non_images_are_refused_and_leave_nothing(
    client: httpx.AsyncClient, settings: DiarySettings, data: bytes, filename: str
) -> None:
    entry = await make_entry(client)

    refused = await upload(client, entry["id"], data, filename=filename)

    assert refused.status_code == 422
    assert refused.json()["field"] == "file"
    assert stored_files(settings) == []
    assert (await client.get(f"/entries/{entry['id']}")).json()["images"] == []


@pytest.fixture
async def small_limit_client(settings: DiarySettings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose image limit is 256 KiB."""
    app = create_app(settings.model_copy(update={"max_image_bytes": SMALL_LIMIT}))
    async with (
        started(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://diary", headers=headers_for()
        ) as http,
    ):
        yield http


async def test_a_file_of_exactly_the_limit_is_accepted(
    small_limit_client: httpx.AsyncClient,
) -> None:
    entry = await make_entry(small_limit_client)

    created = await upload(small_limit_client, entry["id"], image_factory.padded_gif(SMALL_LIMIT))

    assert created.status_code == 201, created.text
    assert created.json()["content_type"] == "image/gif"


async def test_one_byte_over_the_limit_is_413_and_leaves_nothing(
    small_limit_client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(small_limit_client)

    refused = await upload(
        small_limit_client, entry["id"], image_factory.padded_gif(SMALL_LIMIT + 1)
    )

    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert stored_files(settings) == []


async def test_the_21st_image_is_refused(client: httpx.AsyncClient) -> None:
    entry = await make_entry(client)
    for _ in range(20):
        assert (await upload(client, entry["id"], image_factory.png_bytes(4, 4))).status_code == 201

    refused = await upload(client, entry["id"], image_factory.png_bytes(4, 4))

    assert refused.status_code == 422
    assert refused.json()["code"] == "TOO_MANY_IMAGES"
    assert len((await client.get(f"/entries/{entry['id']}")).json()["images"]) == 20


async def test_another_owners_entry_and_images_are_not_found(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(client)
    image = (await upload(client, entry["id"], image_factory.png_bytes())).json()

    foreign_upload = await upload(client, entry["id"], image_factory.png_bytes(), owner_id=OWNER_B)
    reads = [
        await client.get(f"/images/{image['id']}", headers=headers_for(OWNER_B)),
        await client.get(f"/images/{image['id']}/content", headers=headers_for(OWNER_B)),
        await client.delete(f"/images/{image['id']}", headers=headers_for(OWNER_B)),
    ]

    assert foreign_upload.status_code == 404
    assert [r.status_code for r in reads] == [404, 404, 404]
    assert len(stored_files(settings)) == 1
    assert (await client.get(f"/images/{image['id']}")).status_code == 200


async def test_a_missing_entry_is_404(client: httpx.AsyncClient) -> None:
    response = await upload(client, 999_999, image_factory.png_bytes())

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {"files": {"photo": ("a.png", image_factory.png_bytes(), "image/png")}},
        {"files": {"file": ("a.png", image_factory.png_bytes(), "image/png")}, "data": {"x": "1"}},
        {"content": image_factory.png_bytes(), "headers": {"Content-Type": "image/png"}},
    ],
    ids=["wrong-part-name", "extra-field", "not-multipart"],
)
async def test_malformed_uploads_are_422(
    client: httpx.AsyncClient, settings: DiarySettings, body: dict[str, Any]
) -> None:
    entry = await make_entry(client)

    response = await client.post(f"/entries/{entry['id']}/images", **body)

    assert response.status_code == 422
    assert response.json()["field"] == "file"
    assert stored_files(settings) == []


async def test_upload_needs_the_internal_token(app: FastAPI, settings: DiarySettings) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://diary",
        headers=headers_for(token=None),
    ) as stranger:
        response = await upload(stranger, 1, image_factory.png_bytes())

    assert response.status_code == 401
    assert stored_files(settings) == []


async def test_deleting_an_image_removes_row_and_file(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(client)
    image = (await upload(client, entry["id"], image_factory.png_bytes())).json()

    deleted = await client.delete(f"/images/{image['id']}")

    assert deleted.status_code == 204
    assert (await client.get(f"/images/{image['id']}/content")).status_code == 404
    assert (await client.delete(f"/images/{image['id']}")).status_code == 404
    assert stored_files(settings) == []


async def test_deleting_an_entry_removes_its_image_files(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(client)
    kept_entry = await make_entry(client)
    for _ in range(3):
        await upload(client, entry["id"], image_factory.png_bytes())
    kept = (await upload(client, kept_entry["id"], image_factory.png_bytes())).json()

    assert (await client.delete(f"/entries/{entry['id']}")).status_code == 204

    assert len(stored_files(settings)) == 1
    assert (await client.get(f"/images/{kept['id']}/content")).status_code == 200


async def test_sweep_removes_old_orphans_only(
    client: httpx.AsyncClient, app: FastAPI, settings: DiarySettings
) -> None:
    entry = await make_entry(client)
    image = (await upload(client, entry["id"], image_factory.png_bytes())).json()
    shelf: ImageShelf = app.state.images
    orphan = shelf.store.put(io.BytesIO(b"a file whose row never committed"))
    shelf.spool_dir.mkdir(parents=True, exist_ok=True)
    (shelf.spool_dir / "upload-abandoned").write_bytes(b"half an upload")
    now = dt.datetime.now(dt.UTC)

    early = sweep(db=app.state.db, shelf=shelf, grace=dt.timedelta(hours=1), now=now)
    late = sweep(
        db=app.state.db, shelf=shelf, grace=dt.timedelta(hours=1), now=now + dt.timedelta(hours=2)
    )

    assert (early.orphans_removed, early.temporaries_removed) == (0, 0)
    assert (late.kept, late.orphans_removed, late.temporaries_removed) == (1, 1, 1)
    assert [s.key for s in shelf.store.scan()] != [orphan.key]
    assert len(stored_files(settings)) == 1
    assert (await client.get(f"/images/{image['id']}/content")).status_code == 200
