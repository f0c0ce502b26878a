"""Rows and files agree when an upload races a delete: a row that cannot be written takes its
already-stored file with it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from diary_svc.settings import DiarySettings
from tests import image_factory
from tests.diary_svc.conftest import make_entry
from tests.diary_svc.test_images import stored_files

BOUNDARY = "fortune-compass-boundary"


async def test_an_entry_deleted_mid_upload_leaves_no_file(
    client: httpx.AsyncClient, settings: DiarySettings
) -> None:
    entry = await make_entry(client)
    picture = image_factory.png_bytes(64, 64)
    first_half_sent, resume = asyncio.Event(), asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="photo.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode() + picture[:100]
        first_half_sent.set()
        await resume.wait()
        yield picture[100:] + f"\r\n--{BOUNDARY}--\r\n".encode()

    # The service has found the entry and is reading the file when the entry goes away.
    uploading = asyncio.create_task(
        client.post(
            f"/entries/{entry['id']}/images",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    )
    await first_half_sent.wait()
    assert (await client.delete(f"/entries/{entry['id']}")).status_code == 204
    resume.set()
    response = await uploading

    assert response.status_code == 404
    assert stored_files(settings) == []
