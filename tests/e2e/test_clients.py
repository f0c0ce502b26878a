"""Real GraphQL clients against the live gateway: Python's `gql` and Node's Apollo Client."""

from __future__ import annotations

import secrets

import pytest
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport
from graphql import GraphQLError

from tests.e2e.conftest import NodeScript
from tests.support.graphql_client import LiveUser
from tests.support.live_stack import LiveStack

CREATE_EVENT = """
mutation CreateEvent($input: CreateEventInput!) {
  createEvent(input: $input) { id title startsAt tags { id name } }
}
"""
EVENTS = """
query Events($first: Int) {
  events(first: $first) {
    totalCount
    edges { node { id title startsAt tags { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def gql_client(url: str, token: str | None = None) -> Client:
    """A `gql` client that fetches the schema by introspection and validates against it."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    transport = HTTPXAsyncTransport(url=url, headers=headers, timeout=30)
    return Client(transport=transport, fetch_schema_from_transport=True)


async def test_gql_client_introspects_logs_in_and_queries(
    live_stack: LiveStack, user: LiveUser
) -> None:
    """gql fetches the schema, refuses an unknown field locally, logs in and reads an event."""
    async with gql_client(live_stack.graphql_url) as session:
        login = GraphQLRequest(
            "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
            variable_values={"e": user.email, "p": user.password},
        )
        token = (await session.execute(login))["logIn"]["token"]
        assert session.client.schema is not None
        assert "days" in session.client.schema.query_type.fields
        with pytest.raises(GraphQLError, match="Cannot query field 'nope'"):
            await session.execute(GraphQLRequest("{ me { nope } }"))

    async with gql_client(live_stack.graphql_url, token) as session:
        tag = await session.execute(
            GraphQLRequest(
                "mutation($i: TagInput!) { createTag(input: $i) { id name } }",
                variable_values={"i": {"name": "gql 태그", "color": "#0A0B0C"}},
            )
        )
        tag_id = tag["createTag"]["id"]
        created = await session.execute(
            GraphQLRequest(
                CREATE_EVENT,
                variable_values={
                    "input": {
                        "title": "gql로 만든 일정",
                        "startsAt": "2026-03-01T09:00:00+09:00",
                        "endsAt": "2026-03-01T10:00:00+09:00",
                        "tagIds": [tag_id],
                    }
                },
            )
        )
        assert created["createEvent"]["tags"] == [{"id": tag_id, "name": "gql 태그"}]
        events = (await session.execute(GraphQLRequest(EVENTS, variable_values={"first": 5})))[
            "events"
        ]
    assert events["totalCount"] == 1
    node = events["edges"][0]["node"]
    assert node["title"] == "gql로 만든 일정"
    assert node["startsAt"] == "2026-03-01T00:00:00+00:00"
    assert events["pageInfo"]["hasNextPage"] is False


def test_apollo_client_signs_up_logs_in_and_caches(
    live_stack: LiveStack, run_node: NodeScript
) -> None:
    """Apollo Client (Node) signs up, logs in, creates a tag and reads it from its cache."""
    email = f"apollo-{secrets.token_hex(6)}@example.test"
    result = run_node("apollo.mjs", live_stack.graphql_url, email, secrets.token_urlsafe(16))
    assert result["signedUp"]["email"] == email
    assert result["loggedIn"] == result["signedUp"] == result["me"]
    assert result["me"]["displayName"] == "Apollo 클라이언트"
    assert result["tags"] == [result["created"]] == result["cachedTags"]
    assert result["created"]["name"] == "아폴로 Apollo"
    assert result["tagInCache"] == f"Tag:{result['created']['id']}"
