"""Diary images through the gateway (in-process services): uploads, CSRF, signed URLs."""

from __future__ import annotations

import io
import json
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from PIL import ExifTags, Image

from graph_gateway.http.image_urls import ImageUrlSigner
from tests import image_factory
from tests.graph_gateway.conftest import Gateway, error_codes

ADD_IMAGE = """
mutation Add($entryId: ID!, $file: Upload!) {
  addDiaryImage(entryId: $entryId, file: $file) { id url contentType byteSize width height }
}
"""
CREATE_ENTRY = """
mutation { createDiaryEntry(input: {date: "2026-03-01", content: "사진 한 장"}) { id } }
"""
PREFLIGHT = {"Apollo-Require-Preflight": "true"}


async def new_entry(gateway: Gateway, token: str) -> str:
    """Write an entry; its id."""
    entry_id: str = (await gateway.ok(CREATE_ENTRY, token=token))["createDiaryEntry"]["id"]
    return entry_id


async def upload(
    gateway: Gateway,
    token: str,
    entry_id: str,
    data: bytes,
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A GraphQL multipart request (operations, map, one file) for `addDiaryImage`."""
    operations = {"query": ADD_IMAGE, "variables": {"entryId": entry_id, "file": None}}
    return await gateway.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("photo.jpg", io.BytesIO(data), "image/jpeg")},
        headers={"authorization": f"Bearer {token}", **(PREFLIGHT if headers is None else headers)},
    )


def image_path(url: str) -> str:
    """The path and query of a signed URL (the in-process client has its own host)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_upload_then_fetch_through_the_signed_url(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)

    response = await upload(gateway, token, entry_id, image_factory.jpeg_with_gps(64, 48))

    body = response.json()
    assert response.status_code == 200, body
    image = body["data"]["addDiaryImage"]
    assert (image["contentType"], image["width"], image["height"]) == ("image/jpeg", 64, 48)
    assert image["url"].startswith("http://gateway/images/")
    shown = await gateway.http.get(image_path(image["url"]))
    assert shown.status_code == 200
    assert shown.headers["content-type"] == "image/jpeg"
    assert int(shown.headers["content-length"]) == image["byteSize"] == len(shown.content)
    assert shown.headers["cache-control"].startswith("private")
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["etag"].startswith('"')
    with Image.open(io.BytesIO(shown.content)) as decoded:
        assert not decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    again = await gateway.http.get(
        image_path(image["url"]), headers={"If-None-Match": shown.headers["etag"]}
    )
    assert again.status_code == 304


async def test_entry_lists_its_images_with_urls(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)
    for content in (image_factory.png_bytes(), image_factory.animated_gif_bytes()):
        assert (await upload(gateway, token, entry_id, content)).status_code == 200

    data = await gateway.ok(
        "query($id: ID!) { diaryEntry(id: $id) { images { contentType url } } }",
        {"id": entry_id},
        token=token,
    )

    images = data["diaryEntry"]["images"]
    assert [i["contentType"] for i in images] == ["image/png", "image/gif"]
    for image in images:
        assert (await gateway.http.get(image_path(image["url"]))).status_code == 200


async def test_multipart_without_the_preflight_header_is_refused(
    gateway: Gateway, token: str
) -> None:
    entry_id = await new_entry(gateway, token)
    gateway.reset_counts()

    response = await upload(gateway, token, entry_id, image_factory.png_bytes(), headers={})

    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in response.json()["errors"][0]["message"]
    assert gateway.diary.calls == []


async def test_another_users_entry_is_not_found(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)
    stranger = await gateway.sign_up()

    body = (await upload(gateway, stranger, entry_id, image_factory.png_bytes())).json()

    assert error_codes(body) == ["NOT_FOUND"]


async def test_a_text_file_is_bad_user_input_on_file(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)

    body = (await upload(gateway, token, entry_id, b"not a picture at all")).json()

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "file"


async def test_the_21st_image_is_bad_user_input(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)
    tiny = image_factory.png_bytes(2, 2)
    for _ in range(20):
        assert "errors" not in (await upload(gateway, token, entry_id, tiny)).json()

    body = (await upload(gateway, token, entry_id, tiny)).json()

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "entryId"


async def _one_image(gateway: Gateway, token: str) -> dict[str, Any]:
    entry_id = await new_entry(gateway, token)
    response = await upload(gateway, token, entry_id, image_factory.png_bytes())
    image: dict[str, Any] = response.json()["data"]["addDiaryImage"]
    return image


async def test_tampered_urls_are_403(gateway: Gateway, token: str) -> None:
    image = await _one_image(gateway, token)
    path = image_path(image["url"])
    other_id = path.replace(f"/images/{image['id']}?", f"/images/{int(image['id']) + 1}?")
    other_user = path.replace("u=", "u=9")
    longer = path.replace("exp=", "exp=1")
    unsigned = path.split("&sig=")[0]

    statuses = [(await gateway.http.get(p)).status_code for p in (other_id, other_user, longer)]

    assert statuses == [403, 403, 403]
    assert (await gateway.http.get(unsigned)).status_code == 403
    assert (await gateway.http.get(path)).status_code == 200


async def test_an_expired_url_is_403(gateway: Gateway, token: str) -> None:
    image = await _one_image(gateway, token)
    user_id = int(urlsplit(image["url"]).query.split("u=")[1].split("&")[0])
    yesterday = ImageUrlSigner.from_settings(gateway.settings, clock=lambda: time.time() - 86_400)
    expired = yesterday.url(
        image_id=int(image["id"]), user_id=user_id, request_base_url="http://gateway"
    )

    response = await gateway.http.get(image_path(expired))

    assert response.status_code == 403


async def test_a_deleted_image_is_404(gateway: Gateway, token: str) -> None:
    image = await _one_image(gateway, token)

    deleted = await gateway.ok(
        "mutation($id: ID!) { deleteDiaryImage(id: $id) }", {"id": image["id"]}, token=token
    )

    assert deleted == {"deleteDiaryImage": image["id"]}
    assert (await gateway.http.get(image_path(image["url"]))).status_code == 404
    again = await gateway.post(
        "mutation($id: ID!) { deleteDiaryImage(id: $id) }", {"id": image["id"]}, token=token
    )
    assert error_codes(again) == ["NOT_FOUND"]


async def test_thumbnail_urls_are_signed_with_their_width(gateway: Gateway, token: str) -> None:
    entry_id = await new_entry(gateway, token)
    await upload(gateway, token, entry_id, image_factory.png_bytes(300, 200))
    query = (
        "query($id: ID!, $w: Int!) { diaryEntry(id: $id) { images { thumbnailUrl(width: $w) } } }"
    )

    data = await gateway.ok(query, {"id": entry_id, "w": 100}, token=token)
    refused = await gateway.post(query, {"id": entry_id, "w": 0}, token=token)

    url = data["diaryEntry"]["images"][0]["thumbnailUrl"]
    shown = await gateway.http.get(image_path(url))
    assert shown.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(shown.content)) as thumbnail:
        assert thumbnail.size == (128, 85)
    assert (await gateway.http.get(image_path(url.replace("w=100", "w=2048")))).status_code == 403
    assert (await gateway.http.get(image_path(url.replace("&w=100", "")))).status_code == 403
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert refused["errors"][0]["extensions"]["field"] == "width"
