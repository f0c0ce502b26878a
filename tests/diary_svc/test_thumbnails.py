"""Thumbnails: made on first request at a ladder width, upright, kept, swept and deleted with
their image."""

from __future__ import annotations

import datetime as dt
import io

import httpx
from fastapi import FastAPI
from PIL import Image

from diary_svc.gc import sweep
from diary_svc.settings import DiarySettings
from tests import image_factory
from tests.diary_svc.conftest import make_entry
from tests.diary_svc.test_images import stored_files, upload


async def _image(client: httpx.AsyncClient, data: bytes) -> dict[str, object]:
    entry = await make_entry(client)
    response = await upload(client, entry["id"], data)
    assert response.status_code == 201, response.text
    image: dict[str, object] = response.json()
    return image


async def test_a_thumbnail_is_upright_snapped_and_kept(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    # Stored 640×480 with orientation 6: displayed 480 wide, 640 high.
    image = await _image(client, image_factory.jpeg_with_gps(640, 480, orientation=6))

    first = await client.get(f"/images/{image['id']}/content", params={"width": 100})
    again = await client.get(f"/images/{image['id']}/content", params={"width": 128})

    assert first.status_code == 200
    assert first.headers["content-type"] == "image/webp"
    assert int(first.headers["content-length"]) == len(first.content)
    assert first.headers["etag"] != f'"{image["sha256"]}"'
    with Image.open(io.BytesIO(first.content)) as thumbnail:
        assert thumbnail.size == (128, 171)  # snapped up to 128; 640 × 128 / 480 rounded
        assert not thumbnail.getexif()
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert len(stored_files(settings)) == 2


async def test_a_width_at_least_the_original_serves_the_original(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    image = await _image(client, image_factory.png_bytes(40, 30))

    response = await client.get(f"/images/{image['id']}/content", params={"width": 64})

    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{image["sha256"]}"'
    assert len(stored_files(settings)) == 1


async def test_alpha_is_kept_and_animations_give_their_first_frame(
    client: httpx.AsyncClient,
) -> None:
    see_through = Image.new("RGBA", (300, 200), (255, 0, 0, 0))
    see_through.paste((0, 0, 255, 128), (0, 0, 150, 200))
    buffer = io.BytesIO()
    see_through.save(buffer, format="PNG")
    png = await _image(client, buffer.getvalue())
    gif = await _image(client, image_factory.animated_gif_bytes(3, 300, 100))

    png_thumb = await client.get(f"/images/{png['id']}/content", params={"width": 64})
    gif_thumb = await client.get(f"/images/{gif['id']}/content", params={"width": 64})

    with Image.open(io.BytesIO(png_thumb.content)) as thumbnail:
        assert (thumbnail.mode, thumbnail.size) == ("RGBA", (64, 43))
        pixel = thumbnail.getpixel((60, 20))
        assert isinstance(pixel, tuple)
        assert pixel[3] == 0  # still see-through
    with Image.open(io.BytesIO(gif_thumb.content)) as thumbnail:
        assert thumbnail.size == (64, 21)
        assert getattr(thumbnail, "n_frames", 1) == 1


async def test_thumbnails_survive_the_sweep_and_go_with_their_image(
    client: httpx.AsyncClient, app: FastAPI, settings: DiarySettings
) -> None:
    image = await _image(client, image_factory.png_bytes(300, 200))
    await client.get(f"/images/{image['id']}/content", params={"width": 64})
    await client.get(f"/images/{image['id']}/content", params={"width": 256})
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)

    report = sweep(db=app.state.db, shelf=app.state.images, grace=dt.timedelta(0), now=later)

    assert (report.kept, report.orphans_removed) == (3, 0)
    assert (await client.delete(f"/images/{image['id']}")).status_code == 204
    assert stored_files(settings) == []


async def test_an_out_of_range_width_is_422(client: httpx.AsyncClient) -> None:
    image = await _image(client, image_factory.png_bytes())

    response = await client.get(f"/images/{image['id']}/content", params={"width": 0})

    assert response.status_code == 422
    assert response.json()["field"] == "width"
