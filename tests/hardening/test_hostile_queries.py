"""Hostile documents are refused with QUERY_TOO_COMPLEX, fast, before any call reaches a service."""

from __future__ import annotations

import time

import pytest

from tests.hardening.conftest import gateway_request_line, new_request_id, request_lines
from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack


def nested_tags_events(levels: int) -> str:
    """`tags { events { edges { node { tags { … } } } } }`, `levels` tag/event hops deep."""
    opening = "tags { events { edges { node { " * (levels // 2)
    closing = " } } } }" * (levels // 2)
    return "query Deep { " + opening + "id" + closing + " }"


def many_aliases(count: int) -> str:
    """One query asking for `me` under `count` different aliases."""
    return "query Aliases { " + " ".join(f"a{i}: me {{ id }}" for i in range(count)) + " }"


def two_megabytes() -> str:
    """A syntactically plain document of about 2 MB."""
    fields = " ".join(f"f{i}: __typename" for i in range(120_000))
    return "query Big { " + fields + " }"


def fragment_bomb(levels: int) -> str:
    """Fragments that each spread the previous one ten times: 10^levels fields if expanded."""
    lines = [f"query Bomb {{ ...F{levels} }}", "fragment F0 on Query { me { id } }"]
    lines += [
        f"fragment F{n} on Query {{ {' '.join([f'...F{n - 1}'] * 10)} }}"
        for n in range(1, levels + 1)
    ]
    return "\n".join(lines)


FIRST_100_THREE_DEEP = """
query Wide {
  events(first: 100) { edges { node {
    tags { events(first: 100) { edges { node {
      tags { events(first: 100) { edges { node { id title } } } }
    } } } }
  } } }
}
"""

HOSTILE = [
    pytest.param(nested_tags_events(30), "depth", id="30-level-nesting"),
    pytest.param(many_aliases(1000), "tokens", id="1000-aliases"),
    pytest.param(many_aliases(31), "aliases", id="31-aliases"),
    pytest.param(two_megabytes(), "document_size", id="2MB-document"),
    pytest.param(FIRST_100_THREE_DEEP, "cost", id="first-100-three-deep"),
    pytest.param(fragment_bomb(12), "cost", id="fragment-bomb"),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("query", "limit"), HOSTILE)
async def test_hostile_query_is_refused_before_any_upstream_call(
    hardening_stack: LiveStack, client: GraphQLClient, member: LiveUser, query: str, limit: str
) -> None:
    request_id = new_request_id()
    started = time.perf_counter()
    result = await client.execute(query, token=member.token, headers={"X-Request-ID": request_id})
    elapsed = time.perf_counter() - started

    assert result.error_codes == ["QUERY_TOO_COMPLEX"], result.errors
    extensions = result.errors[0]["extensions"]
    assert extensions["limit"] == limit
    assert extensions["actual"] > extensions["max"]
    assert limit in result.errors[0]["message"]
    assert result.data is None
    assert result.status_code == 400  # a request error under application/graphql-response+json
    assert elapsed < 0.5, f"refusal took {elapsed:.3f}s"

    line = gateway_request_line(hardening_stack, request_id)
    assert "upstream" not in line, line
    assert request_lines(hardening_stack.calendar, request_id) == []
    assert request_lines(hardening_stack.diary, request_id) == []


@pytest.mark.e2e
async def test_an_ordinary_page_with_its_relations_is_not_refused(
    client: GraphQLClient, member: LiveUser
) -> None:
    query = """
    query Page {
      events(first: 100) { totalCount edges { cursor node {
        id title startsAt endsAt tags { id name color }
        diaryEntries { id title mood tags { id name } }
      } } }
    }
    """
    data = (await client.execute(query, token=member.token)).ok()
    assert data["events"]["totalCount"] == 0


@pytest.mark.e2e
async def test_batched_operations_are_refused(
    hardening_stack: LiveStack, client: GraphQLClient
) -> None:
    response = await client.http.post(
        hardening_stack.graphql_url,
        json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}],
    )
    assert response.status_code == 400
    assert "data" not in response.json()
