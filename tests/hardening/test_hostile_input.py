"""Malformed requests get a 4xx or a coded GraphQL error, at each rule's edge, never a 500.

One test per class of defect the issue names (each against the live gateway): request bodies of
every JSON type, deep variables, unpaired surrogates, over-long strings (refused before any
upstream call), multipart maps, protocol rules (several operations, strict dates) and the
GraphQL body of every `/graphql` answer.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import GraphQLID, GraphQLInt, GraphQLString

from graph_gateway.extensions.argument_bounds import DEFAULT_MAX_CHARS, ID_MAX_CHARS, max_chars
from graph_gateway.http.request_body import MAX_JSON_DEPTH
from tests.hardening.conftest import gateway_request_line, new_request_id
from tests.support.graphql_client import GraphQLClient, LiveUser
from tests.support.live_stack import LiveStack

WATERSHED = "application/graphql-response+json"
SEARCH = "query($s: String) { events(search: $s) { totalCount } }"


async def post_raw(
    stack: LiveStack, content: bytes, *, token: str | None = None, **headers: str
) -> httpx.Response:
    """POST raw bytes as JSON to the gateway."""
    sent = {"content-type": "application/json", "accept": WATERSHED, **headers}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(stack.graphql_url, content=content, headers=sent)


def only_error(response: httpx.Response) -> dict[str, Any]:
    """The single error of a GraphQL error body (and no Python text anywhere in it)."""
    assert "Traceback" not in response.text and "codec" not in response.text, response.text
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


@pytest.mark.parametrize("body", [b"null", b"1", b'"query"', b"true", b"[]", b"[{}]", b"{"])
async def test_a_body_that_is_not_one_json_object_is_a_400(
    hardening_stack: LiveStack, body: bytes
) -> None:
    response = await post_raw(hardening_stack, body)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_REQUEST"


def nested(depth: int) -> Any:
    """A list nested `depth` levels deep around one string."""
    value: Any = "x"
    for _ in range(depth - 1):
        value = [value]
    return value


async def test_variables_nested_past_the_limit_are_refused_naming_the_variable(
    hardening_stack: LiveStack, member: LiveUser
) -> None:
    query = SEARCH
    at_limit = json.dumps({"query": query, "variables": {"s": nested(MAX_JSON_DEPTH)}})
    response = await post_raw(hardening_stack, at_limit.encode(), token=member.token)
    assert only_error(response)["extensions"]["code"] == "BAD_USER_INPUT"  # a type error only
    over = json.dumps({"query": query, "variables": {"s": nested(MAX_JSON_DEPTH + 1)}})
    error = only_error(await post_raw(hardening_stack, over.encode(), token=member.token))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "s"}
    assert "nested deeper" in error["message"]
    thousands = '{"query": "{ __typename }", "variables": {"s": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = await post_raw(hardening_stack, thousands.encode(), token=member.token)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_REQUEST"


TAG = 'mutation($s: String!) { createTag(input: {name: $s, color: "#000000"}) { id } }'
ENTRY = "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }"
LOG_IN = 'mutation($s: String!) { logIn(email: $s, password: "long enough") { token } }'
SIGN_UP = 'mutation($s: String!) { signUp(email: "a@b.io", password: $s) { token } }'
SURROGATE_CASES = [
    (SEARCH, {"s": "\ud800"}),
    (TAG, {"s": "a\udc00"}),
    (ENTRY, {"i": {"date": "2026-01-01", "content": "\ud83d", "title": "ok"}}),
    (LOG_IN, {"s": "\ud800@x.io"}),
    (SIGN_UP, {"s": "pw\udfff-long"}),
    ("query($s: ID!) { tag(id: $s) { id } }", {"s": "\ud800"}),
    (SEARCH, {"\ud800": "key"}),
]


@pytest.mark.parametrize(("query", "variables"), SURROGATE_CASES)
async def test_unpaired_surrogates_anywhere_in_variables_are_bad_user_input(
    hardening_stack: LiveStack, member: LiveUser, query: str, variables: dict[str, Any]
) -> None:
    # json.dumps writes an unpaired surrogate as the escape `\ud800`, as a hostile client would.
    body = json.dumps({"query": query, "variables": variables}).encode()
    response = await post_raw(hardening_stack, body, token=member.token)
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not valid Unicode" in error["message"]


async def test_an_unpaired_surrogate_in_the_document_is_a_parse_failure(
    hardening_stack: LiveStack, member: LiveUser
) -> None:
    for document in ('{ events(search: "\ud800") { totalCount } }', "{ __typename } # \udc00"):
        body = json.dumps({"query": document}).encode()
        response = await post_raw(hardening_stack, body, token=member.token)
        assert only_error(response)["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


BOUND_CASES = [
    ("query($v: String) { events(search: $v) { totalCount } }", "search", 200),
    ("query($v: String) { events(after: $v) { totalCount } }", "after", 256),
    ('query($v: String) { days(from: "2026-01-01", to: "2026-01-02", timeZone: $v) { date } }',
     "timeZone", 64),
    ('mutation($v: String!) { createTag(input: {name: $v, color: "#123456"}) { id } }', "name", 50),
    ('mutation($v: String!) { createEvent(input: {title: $v, startsAt: "2026-01-01T00:00:00Z", '
     'endsAt: "2026-01-01T01:00:00Z"}) { id } }', "title", 200),
    ('mutation($v: String) { createEvent(input: {title: "t", description: $v, '
     'startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-01T01:00:00Z"}) { id } }',
     "description", 5_000),
    ('mutation($v: String!) { createDiaryEntry(input: {date: "2026-01-01", content: $v}) { id } }',
     "content", 20_000),
    ('mutation($v: String!) { logIn(email: $v, password: "long enough") { token } }', "email", 254),
    ("query($v: ID!) { event(id: $v) { id } }", "id", 32),
    ("query($v: ID) { events(tagId: $v) { totalCount } }", "tagId", 32),
]  # fmt: skip


@pytest.mark.parametrize(("query", "field", "limit"), BOUND_CASES)
async def test_each_string_argument_is_bounded_before_any_upstream_call(
    hardening_stack: LiveStack,
    client: GraphQLClient,
    member: LiveUser,
    query: str,
    field: str,
    limit: int,
) -> None:
    at_limit = await client.execute(query, {"v": "x" * limit}, token=member.token)
    assert all(e["extensions"]["code"] != "INTERNAL_SERVER_ERROR" for e in at_limit.errors)
    assert f"at most {limit} characters" not in json.dumps(at_limit.errors)

    request_id = new_request_id()
    over = await client.execute(
        query, {"v": "x" * (limit + 1)}, token=member.token, headers={"X-Request-ID": request_id}
    )
    assert over.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert f"at most {limit} characters" in over.errors[0]["message"]
    assert "upstream" not in gateway_request_line(hardening_stack, request_id)


def test_strings_without_a_rule_get_the_generous_bound() -> None:
    assert max_chars("Mutation.someFutureField.note", GraphQLString) == DEFAULT_MAX_CHARS
    assert max_chars("Query.event.id", GraphQLID) == ID_MAX_CHARS
    assert max_chars("Query.days.from", GraphQLInt) is None
