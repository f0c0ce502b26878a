"""The plans on the real gateway: one plan serves every user their own data, directives,
aliases and fragments on our schema, and an upstream outage mid-list, each answering the same
bytes through the plans as through graphql-core."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from graph_gateway.settings import GatewaySettings
from tests.conftest import DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, running_gateway
from tests.graph_gateway.factories import make_entry, make_event, make_tag
from tests.graph_gateway.test_execution_differential import (
    assert_same,
    plan_switch,
    planned_operations,
    seed,
)

PAGE = (
    "query Page($first: Int!) { me { email } events(first: $first) { totalCount"
    " edges { node { title tags { name } } } } }"
)


async def test_one_plan_serves_each_user_only_their_own_data(gateway: Gateway) -> None:
    alice, bob = (
        await gateway.sign_up("alice@example.com"),
        await gateway.sign_up("bob@example.com"),
    )
    tag = await make_tag(gateway, alice, name="alice's tag")
    await make_event(gateway, alice, title="Alice's secret", tagIds=[tag["id"]])
    await make_event(gateway, bob, title="Bob's plan")
    answers = {}
    for name, token in (("alice", alice), ("bob", bob), ("alice again", alice)):
        answers[name] = json.loads(await assert_same(gateway, PAGE, {"first": 5}, token=token))
    assert planned_operations(plan_switch(gateway), PAGE) == 1  # the same document, one plan
    assert answers["alice"] == answers["alice again"]
    assert answers["alice"]["data"] == {
        "me": {"email": "alice@example.com"},
        "events": {
            "totalCount": 1,
            "edges": [{"node": {"title": "Alice's secret", "tags": [{"name": "alice's tag"}]}}],
        },
    }
    assert answers["bob"]["data"] == {
        "me": {"email": "bob@example.com"},
        "events": {"totalCount": 1, "edges": [{"node": {"title": "Bob's plan", "tags": []}}]},
    }
    signed_out = json.loads(await assert_same(gateway, PAGE, {"first": 5}, token=None))
    assert signed_out["data"] == {"me": None, "events": None}
    assert "Alice" not in json.dumps(signed_out)


async def test_directives_aliases_fragments_and_typename_on_our_schema(
    gateway: Gateway, token: str
) -> None:
    await seed(gateway, token)
    query = (
        "query Q($tags: Boolean!, $noDays: Boolean = false, $from: Date!) {"
        ' first: events(first: 1) { ...Page } all: events(first: 3, search: "Trip") { ...Page }'
        ' days(from: $from, to: "2026-03-12") @skip(if: $noDays) { date __typename'
        " ... on Day { events { title } } diaryEntries { ...Entry } } __typename }"
        " fragment Page on EventConnection { __typename totalCount edges { node {"
        " id title tags @include(if: $tags) { name } } } }"
        " fragment Entry on DiaryEntry { id mood ... { weather tags @include(if: $tags) { id } } }"
    )
    for variables in (
        {"tags": True, "from": "2026-03-09"},
        {"tags": False, "noDays": True, "from": "2026-03-09"},
        {"tags": True, "noDays": False, "from": "2026-3-9"},  # not a date: a request error
    ):
        await assert_same(gateway, query, variables, token=token)
    # One plan per (operation, @skip/@include values) the requests used; the third never ran.
    assert planned_operations(plan_switch(gateway), query) == 2


async def test_an_upstream_outage_nulls_each_item_s_field_the_same_way(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    failing = False

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        class Outage(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if failing and request.url.path == "/entries/by-date-range":
                    return httpx.Response(503, json={"code": "UNAVAILABLE", "message": "down"})
                return await inner.handle_async_request(request)

        return Outage()

    settings = gateway_settings.model_copy(update={"breaker_failure_threshold": 1000})
    async with running_gateway(settings, make_database_url, tmp_path, wrap_diary=wrap) as gateway:
        token = await gateway.sign_up()
        await seed(gateway, token)
        await make_entry(gateway, token, date="2026-03-10", title="second")
        failing = True
        answer = json.loads(
            await assert_same(
                gateway,
                "{ events(first: 5) { edges { node { title diaryEntries { id } } } }"
                ' days(from: "2026-03-09", to: "2026-03-11") { date diaryEntries { id } } }',
                token=token,
            )
        )
    paths = [error["path"] for error in answer["errors"]]
    assert ["events", "edges", 1, "node", "diaryEntries"] in paths
    assert ["days", 0, "diaryEntries"] in paths
    assert answer["data"]["events"]["edges"][1]["node"]["diaryEntries"] is None
