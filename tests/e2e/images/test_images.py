"""Diary images end to end: uploads over GraphQL multipart (gql and raw), refusals, signed URLs."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from gql import Client, FileVar, gql
from gql.transport.httpx import HTTPXAsyncTransport

from graph_gateway.http.image_urls import ImageUrlSigner
from graph_gateway.settings import GatewaySettings
from tests import image_factory
from tests.support.graphql_client import GraphQLClient
from tests.support.live_stack import LiveStack
from tests.support.uploads import (
    ADD_IMAGE,
    ENTRY_IMAGES,
    PREFLIGHT,
    check_served,
    errors_of,
    files_under,
    image_root,
    new_user_and_entry,
    upload,
)

pytestmark = pytest.mark.e2e


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
