"""Tags through GraphQL: CRUD, their events and entries, and deletion across both services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, error_codes, running_gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag

TAG_PAGES = """
query($id: ID!, $after: String, $entriesAfter: String) {
  tag(id: $id) {
    name
    events(first: 2, after: $after) {
      edges { node { title } } pageInfo { hasNextPage endCursor } totalCount
    }
    diaryEntries(first: 2, after: $entriesAfter) {
      edges { node { date } } pageInfo { hasNextPage endCursor } totalCount
    }
  }
}"""


async def test_create_list_update_tags(gateway: Gateway, token: str) -> None:
    zeta = await make_tag(gateway, token, name="zeta", color="#aabbcc")
    alpha = await make_tag(gateway, token, name="Alpha 알파")
    assert zeta["color"] == "#AABBCC"
    data = await gateway.ok("{ tags { id name } }", token=token)
    assert [t["name"] for t in data["tags"]] == ["Alpha 알파", "zeta"]

    updated = await gateway.ok(
        'mutation($id: ID!) { updateTag(id: $id, input: {name: "omega", color: "#000000"}) '
        "{ id name color } }",
        {"id": alpha["id"]},
        token=token,
    )
    assert updated["updateTag"] == {"id": alpha["id"], "name": "omega", "color": "#000000"}


async def test_tag_refusals_name_the_field(gateway: Gateway, token: str) -> None:
    await make_tag(gateway, token, name="Home")
    mutation = (
        "mutation($n: String!, $c: String!) { createTag(input: {name: $n, color: $c}) { id } }"
    )
    taken = await gateway.post(mutation, {"n": "HOME", "c": "#000000"}, token=token)
    assert taken["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    bad_color = await gateway.post(mutation, {"n": "x", "c": "red"}, token=token)
    assert bad_color["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "color"}
    missing = await gateway.post(
        'mutation { updateTag(id: "987654", input: {name: "n", color: "#000000"}) { id } }',
        token=token,
    )
    assert error_codes(missing) == ["NOT_FOUND"]


async def test_tag_pages_of_events_and_entries(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    for day in (1, 2, 3):
        await make_event(
            gateway,
            token,
            title=f"e{day}",
            tagIds=[tag["id"]],
            startsAt=f"2026-06-0{day}T10:00:00Z",
            endsAt=f"2026-06-0{day}T11:00:00Z",
        )
        await make_entry(gateway, token, date=f"2026-06-0{day}", tagIds=[tag["id"]])
    await make_event(gateway, token, title="untagged")

    first = (await gateway.ok(TAG_PAGES, {"id": tag["id"]}, token=token))["tag"]
    assert [e["node"]["title"] for e in first["events"]["edges"]] == ["e1", "e2"]
    assert first["events"]["totalCount"] == 3
    assert first["diaryEntries"]["totalCount"] == 3
    assert first["diaryEntries"]["pageInfo"]["hasNextPage"] is True
    rest = (
        await gateway.ok(
            TAG_PAGES,
            {
                "id": tag["id"],
                "after": first["events"]["pageInfo"]["endCursor"],
                "entriesAfter": first["diaryEntries"]["pageInfo"]["endCursor"],
            },
            token=token,
        )
    )["tag"]
    assert [e["node"]["title"] for e in rest["events"]["edges"]] == ["e3"]
    assert rest["events"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": rest["events"]["pageInfo"]["endCursor"],
    }
    assert [e["node"]["date"] for e in rest["diaryEntries"]["edges"]] == ["2026-06-03"]


async def test_delete_tag_removes_it_from_events_and_entries(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    keep = await make_tag(gateway, token, name="keep")
    event = await make_event(gateway, token, tagIds=[tag["id"], keep["id"]])
    entry = await make_entry(gateway, token, tagIds=[tag["id"], keep["id"]])

    deleted = await gateway.ok(f'mutation {{ deleteTag(id: "{tag["id"]}") }}', token=token)
    assert deleted == {"deleteTag": tag["id"]}
    assert ("DELETE", f"/tags/{tag['id']}") in gateway.diary.calls

    data = await gateway.ok(
        f'{{ event(id: "{event["id"]}") {{ tags {{ id }} }} '
        f'diaryEntry(id: "{entry["id"]}") {{ tags {{ id }} }} tag(id: "{tag["id"]}") {{ id }} }}',
        token=token,
    )
    assert data == {
        "event": {"tags": [{"id": keep["id"]}]},
        "diaryEntry": {"tags": [{"id": keep["id"]}]},
        "tag": None,
    }
    again = await gateway.post(f'mutation {{ deleteTag(id: "{tag["id"]}") }}', token=token)
    assert error_codes(again) == ["NOT_FOUND"]


class FailingDeletes(httpx.AsyncBaseTransport):
    """Answer 503 to `DELETE /tags/...` while `failing`; pass everything else on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.failing = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.method == "DELETE" and request.url.path.startswith("/tags/"):
            return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "x", "field": None})
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@asynccontextmanager
async def failing_diary_deletes(
    settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> AsyncIterator[tuple[Gateway, FailingDeletes]]:
    """A gateway whose diary answers 503 to tag deletions until told otherwise."""
    wrappers: list[FailingDeletes] = []

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        wrappers.append(FailingDeletes(inner))
        return wrappers[-1]

    async with running_gateway(settings, make_database_url, tmp_path, wrap_diary=wrap) as gateway:
        yield gateway, wrappers[0]


async def test_a_failed_diary_cleanup_is_finished_by_a_retry(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    async with failing_diary_deletes(gateway_settings, make_database_url, tmp_path) as (
        gateway,
        failing,
    ):
        token = await gateway.sign_up()
        tag = await make_tag(gateway, token)
        await make_entry(gateway, token, tagIds=[tag["id"]])
        delete = f'mutation {{ deleteTag(id: "{tag["id"]}") }}'
        tagged = f'{{ diaryEntries(tagId: "{tag["id"]}") {{ totalCount }} }}'

        failed = await gateway.post(delete, token=token)
        assert error_codes(failed) == ["SERVICE_UNAVAILABLE"]
        assert await gateway.ok(tagged, token=token) == {"diaryEntries": {"totalCount": 1}}

        failing.failing = False
        retried = await gateway.post(delete, token=token)
        assert error_codes(retried) == ["NOT_FOUND"]
        assert await gateway.ok(tagged, token=token) == {"diaryEntries": {"totalCount": 0}}
