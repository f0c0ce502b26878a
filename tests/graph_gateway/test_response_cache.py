"""The response cache on the in-process gateway over the real services and a real Redis.

A hit is proven by the upstream counters: the second read reaches neither service. Staleness is
checked the only way that matters: after each kind of mutation, the next read shows it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from graph_gateway.settings import GatewaySettings, sha256_hex
from tests import image_factory
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag
from tests.graph_gateway.response_cache_support import cached_gateway, counted, upstream_calls
from tests.graph_gateway.test_images import new_entry, upload

MONTH = """query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to) { date events { id title tags { name } } diaryEntries { id title } }
}"""
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
EVENTS = "{ events(first: 20) { totalCount edges { node { id title tags { id name } } } } }"
TAGS = "{ tags { id name } }"
UPDATE_EVENT = "mutation($id: ID!, $t: String!) { updateEvent(id: $id, input: {title: $t}) { id } }"
DELETE_EVENT = "mutation($id: ID!) { deleteEvent(id: $id) }"
RENAME_TAG = """mutation($id: ID!, $n: String!, $c: String!) {
  updateTag(id: $id, input: {name: $n, color: $c}) { id }
}"""


@pytest.fixture
async def cached(
    make_database_url: DatabaseUrlFactory, gateway_settings: GatewaySettings, tmp_path: Path
) -> AsyncIterator[Gateway]:
    """The gateway with the response cache on."""
    async with cached_gateway(gateway_settings, make_database_url, tmp_path) as gateway:
        yield gateway


async def _read(
    gateway: Gateway, query: str, token: str, variables: dict[str, str] | None = None
) -> tuple[dict[str, Any], int]:
    """Read, returning the data and how many upstream calls the read made."""
    gateway.reset_counts()
    data = await gateway.ok(query, variables, token=token)
    return data, upstream_calls(gateway)


async def test_the_second_read_is_a_hit_that_reaches_no_service(cached: Gateway) -> None:
    token = await cached.sign_up()
    await make_event(cached, token, title="첫 만남")
    await make_entry(cached, token, title="일기")
    cached.reset_counts()
    first = await cached.http.post(
        "/graphql",
        json={"query": MONTH, "variables": MARCH},
        headers={"authorization": f"Bearer {token}"},
    )
    assert upstream_calls(cached) == 2  # the month view: one call per service
    hits = counted("requests", result="hit")
    second = await cached.http.post(
        "/graphql",
        json={"query": MONTH, "variables": MARCH},
        headers={"authorization": f"Bearer {token}"},
    )
    assert upstream_calls(cached) == 2  # unchanged: nothing ran
    assert counted("requests", result="hit") == hits + 1
    assert second.status_code == first.status_code == 200
    assert second.content == first.content  # the same bytes
    assert second.headers["content-type"] == first.headers["content-type"]
    # Other variables are another answer.
    _, calls = await _read(cached, MONTH, token, {"from": "2026-03-01", "to": "2026-03-30"})
    assert calls == 2


async def test_creating_updating_and_deleting_an_event_shows_at_once(cached: Gateway) -> None:
    token = await cached.sign_up()
    await _read(cached, MONTH, token, MARCH)
    _, calls = await _read(cached, MONTH, token, MARCH)
    assert calls == 0

    event = await make_event(cached, token, title="new")  # not in any cached answer yet
    data, calls = await _read(cached, MONTH, token, MARCH)
    assert calls == 2
    assert [e["title"] for e in data["days"][9]["events"]] == ["new"]
    await _read(cached, EVENTS, token)

    await cached.ok(UPDATE_EVENT, {"id": event["id"], "t": "renamed"}, token=token)
    data, _ = await _read(cached, MONTH, token, MARCH)
    assert [e["title"] for e in data["days"][9]["events"]] == ["renamed"]
    events, _ = await _read(cached, EVENTS, token)
    assert [e["node"]["title"] for e in events["events"]["edges"]] == ["renamed"]

    await cached.ok(DELETE_EVENT, {"id": event["id"]}, token=token)
    data, _ = await _read(cached, MONTH, token, MARCH)
    assert data["days"][9]["events"] == []
    events, _ = await _read(cached, EVENTS, token)
    assert events["events"]["totalCount"] == 0


async def test_a_tag_rename_shows_on_events_and_tags(cached: Gateway) -> None:
    token = await cached.sign_up()
    tag = await make_tag(cached, token, name="work")
    await make_event(cached, token, tagIds=[tag["id"]])
    for query, variables in ((MONTH, MARCH), (EVENTS, None), (TAGS, None)):
        await _read(cached, query, token, variables)
        assert (await _read(cached, query, token, variables))[1] == 0

    await cached.ok(RENAME_TAG, {"id": tag["id"], "n": "일", "c": "#336699"}, token=token)

    month, _ = await _read(cached, MONTH, token, MARCH)
    assert month["days"][9]["events"][0]["tags"] == [{"name": "일"}]
    events, _ = await _read(cached, EVENTS, token)
    assert events["events"]["edges"][0]["node"]["tags"] == [{"id": tag["id"], "name": "일"}]
    tags, _ = await _read(cached, TAGS, token)
    assert tags["tags"] == [{"id": tag["id"], "name": "일"}]


async def test_a_diary_mutation_leaves_calendar_only_answers_cached(cached: Gateway) -> None:
    token = await cached.sign_up()
    await _read(cached, MONTH, token, MARCH)
    await _read(cached, TAGS, token)
    await make_entry(cached, token, title="diary")
    month, calls = await _read(cached, MONTH, token, MARCH)
    assert calls == 2  # the month shows entries: read again
    assert [e["title"] for e in month["days"][9]["diaryEntries"]] == ["diary"]
    _, calls = await _read(cached, TAGS, token)
    assert calls == 0  # tags show no diary data: still a hit


async def test_two_users_with_the_same_document_never_see_each_others_data(
    cached: Gateway,
) -> None:
    alice, bob = await cached.sign_up(), await cached.sign_up()
    await make_event(cached, alice, title="alice's")
    await make_event(cached, bob, title="bob's")
    for token, title in ((alice, "alice's"), (bob, "bob's"), (alice, "alice's"), (bob, "bob's")):
        data, _ = await _read(cached, EVENTS, token)
        assert [e["node"]["title"] for e in data["events"]["edges"]] == [title]
    # And one user's mutation leaves the other's answers cached.
    await make_event(cached, alice, title="alice's second")
    assert (await _read(cached, EVENTS, bob))[1] == 0


async def test_a_revoked_session_is_refused_though_its_answer_is_cached(cached: Gateway) -> None:
    token = await cached.sign_up()
    await _read(cached, EVENTS, token)
    assert (await _read(cached, EVENTS, token))[1] == 0
    await cached.ok("mutation { logOut }", token=token)
    body = await cached.post(EVENTS, token=token)
    assert body["data"] == {"events": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_mutations_idempotency_keys_errors_and_credential_fields_are_not_cached(
    cached: Gateway,
) -> None:
    token = await cached.sign_up()
    auth = {"authorization": f"Bearer {token}"}
    uncacheable = counted("requests", result="uncacheable")
    for _ in range(2):  # an Idempotency-Key: never served from, nor kept in, the cache
        cached.reset_counts()
        response = await cached.http.post(
            "/graphql", json={"query": TAGS}, headers={**auth, "Idempotency-Key": "k-1"}
        )
        assert response.json() == {"data": {"tags": []}}
        assert upstream_calls(cached) == 1
    for _ in range(2):  # the caller's own account: answered from the accounts each time
        await cached.ok("{ me { id } }", token=token)
    assert counted("requests", result="uncacheable") == uncacheable + 4

    errors = counted("stores", result="errors")
    for _ in range(2):  # an answer with an error is not kept
        body = await cached.post(
            '{ tags { id } days(from: "2026-03-31", to: "2026-03-01") { date } }', token=token
        )
        assert body["data"] == {"tags": [], "days": None}
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert counted("stores", result="errors") == errors + 2

    misses = counted("requests", result="miss")
    created = [await make_tag(cached, token) for _ in range(2)]  # mutations run every time
    assert created[0]["id"] != created[1]["id"]
    assert counted("requests", result="miss") == misses

    anonymous = await cached.post(TAGS)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]


async def test_an_upload_shows_and_signed_urls_follow_the_host_asked(cached: Gateway) -> None:
    token = await cached.sign_up()
    entry_id = await new_entry(cached, token)
    images = "query($id: ID!) { diaryEntry(id: $id) { images { id url } } }"
    before, _ = await _read(cached, images, token, {"id": entry_id})
    assert before == {"diaryEntry": {"images": []}}
    uploaded = await upload(cached, token, entry_id, image_factory.png_bytes())
    assert "errors" not in uploaded.json()

    by_host: dict[str, list[int]] = {}
    for host in ("gateway", "other.example", "gateway", "other.example"):
        cached.reset_counts()
        response = await cached.http.post(
            "/graphql",
            json={"query": images, "variables": {"id": entry_id}},
            headers={"authorization": f"Bearer {token}", "host": host},
        )
        (image,) = response.json()["data"]["diaryEntry"]["images"]
        assert image["url"].startswith(f"http://{host}/")
        by_host.setdefault(host, []).append(upstream_calls(cached))
    assert by_host == {"gateway": [1, 0], "other.example": [1, 0]}


async def test_a_persisted_query_by_hash_hits_the_answer_its_full_text_left(
    cached: Gateway,
) -> None:
    token = await cached.sign_up()
    auth = {"authorization": f"Bearer {token}"}
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(TAGS)}}
    cached.reset_counts()
    full = await cached.http.post(
        "/graphql", json={"query": TAGS, "extensions": persisted}, headers=auth
    )
    assert upstream_calls(cached) == 1
    by_hash = await cached.http.post("/graphql", json={"extensions": persisted}, headers=auth)
    assert upstream_calls(cached) == 1  # the hash became its document, then a hit
    assert by_hash.content == full.content == b'{"data":{"tags":[]}}'
