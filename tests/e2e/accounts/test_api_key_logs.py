"""On the live processes: an API key works as a bearer credential, the logs name its id, and
its secret appears in no log line and no response after the one that created it."""

from __future__ import annotations

import httpx

from tests.support.graphql_client import GraphQLClient, sign_up
from tests.support.live_stack import LiveStack

CREATE = (
    'mutation { createApiKey(input: {name: "로그", scopes: [READ, WRITE]}) { key apiKey { id } } }'
)


async def test_the_secret_is_never_logged_or_shown_again(
    http: httpx.AsyncClient, live_stack: LiveStack
) -> None:
    graphql = GraphQLClient(http, live_stack.graphql_url)
    user = await sign_up(graphql)
    created = (await graphql.execute(CREATE, token=user.token)).ok()["createApiKey"]
    key, key_id = created["key"], created["apiKey"]["id"]
    used = await graphql.execute(
        'mutation { createTag(input: {name: "by key", color: "#000000"}) { id } }', token=key
    )
    assert used.ok()["createTag"]["id"]
    listed = await graphql.execute("{ apiKeys { id name prefix lastUsedAt } }", token=user.token)
    assert key not in listed.response.text and key[12:] not in listed.response.text
    bad = await graphql.execute("{ me { id } }", token=key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert bad.error_codes == ["UNAUTHENTICATED"]
    for process in live_stack.processes:
        assert key[4:] not in process.log_text(), process.name
    records = live_stack.gateway.log_records()
    assert any(r.get("api_key_id") == int(key_id) for r in records)
