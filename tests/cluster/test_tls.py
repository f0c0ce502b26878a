"""TLS at nginx: verified HTTPS, HTTP redirected, HSTS, and forwarded headers believed only from
the proxy (signed image URLs come out as https:// through it)."""

from __future__ import annotations

import io
import json
import ssl

import httpx
import pytest
from PIL import Image

from tests.cluster.conftest import RunningCluster
from tests.support.graphql_client import GraphQLClient, LiveUser

CREATE_ENTRY = 'mutation { createDiaryEntry(input: {date: "2026-05-05", content: "TLS"}) { id } }'
ADD_IMAGE = "mutation($e: ID!, $f: Upload!) { addDiaryImage(entryId: $e, file: $f) { id url } }"
IMAGE_URL = "query($id: ID!) { diaryEntry(id: $id) { images { url } } }"


async def test_https_is_served_with_a_certificate_the_local_ca_signed(
    running_cluster: RunningCluster, https: httpx.AsyncClient
) -> None:
    response = await https.get(f"{running_cluster.topology.public_url}/health")
    assert response.status_code == 200
    assert response.http_version in {"HTTP/1.1", "HTTP/2"}
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_a_client_that_does_not_trust_the_ca_is_refused(
    running_cluster: RunningCluster,
) -> None:
    async with httpx.AsyncClient(verify=ssl.create_default_context()) as stranger:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await stranger.get(f"{running_cluster.topology.public_url}/health")


async def test_plain_http_is_redirected_to_https_keeping_method_and_path(
    running_cluster: RunningCluster,
) -> None:
    settings = running_cluster.topology.settings
    async with httpx.AsyncClient() as plain:
        response = await plain.post(
            f"http://{settings.host}:{settings.http_port}/graphql?x=1",
            json={"query": "{ __typename }"},
        )
    assert response.status_code == 308  # a POST stays a POST
    assert (
        response.headers["location"] == f"https://{settings.host}:{settings.https_port}/graphql?x=1"
    )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def _upload(
    http: httpx.AsyncClient, url: str, user: LiveUser, entry_id: str
) -> httpx.Response:
    operations = {"query": ADD_IMAGE, "variables": {"e": entry_id, "f": None}}
    return await http.post(
        url,
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("dot.png", _png(), "application/octet-stream")},
        headers={"Authorization": f"Bearer {user.token}", "Apollo-Require-Preflight": "true"},
    )


async def test_signed_image_urls_are_https_through_the_proxy_and_work(
    running_cluster: RunningCluster, https: httpx.AsyncClient, public: GraphQLClient, user: LiveUser
) -> None:
    entry = (await public.execute(CREATE_ENTRY, token=user.token)).ok()["createDiaryEntry"]["id"]
    uploaded = await _upload(https, running_cluster.url, user, entry)
    assert uploaded.status_code == 200, uploaded.text
    url = uploaded.json()["data"]["addDiaryImage"]["url"]
    assert url.startswith(f"{running_cluster.topology.public_url}/"), url
    shown = await https.get(url)
    assert shown.status_code == 200
    assert shown.content.startswith(b"\x89PNG")


async def test_forwarded_headers_from_anyone_but_the_proxy_are_ignored(
    running_cluster: RunningCluster, public: GraphQLClient, user: LiveUser
) -> None:
    entry = (await public.execute(CREATE_ENTRY, token=user.token)).ok()["createDiaryEntry"]["id"]
    # From 127.0.0.2, which is not the configured proxy (127.0.0.1), straight to a gateway.
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    async with httpx.AsyncClient(transport=transport, timeout=30.0) as direct:
        gateway = running_cluster.gateway_url(0)
        assert (await _upload(direct, gateway, user, entry)).status_code == 200
        answer = await direct.post(
            gateway,
            json={"query": IMAGE_URL, "variables": {"id": entry}},
            headers={"Authorization": f"Bearer {user.token}", **spoofed},
        )
    url = answer.json()["data"]["diaryEntry"]["images"][0]["url"]
    assert url.startswith("http://127.0.0.1:"), url
