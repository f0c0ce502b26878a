"""The document cache: each text parsed and validated once, nothing else shared between requests."""

from __future__ import annotations

import strawberry
from graphql import parse

from graph_gateway.extensions.document_cache import DocumentCache, document_cache_extension
from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import make_event


@strawberry.type
class _Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        return f"hello {name}"


def _schema(cache: DocumentCache, *, hide_suggestions: bool = False) -> strawberry.Schema:
    return strawberry.Schema(
        query=_Query,
        extensions=[document_cache_extension(cache, hide_suggestions=hide_suggestions)],
    )


async def test_a_valid_document_is_parsed_once_and_reused_with_other_variables() -> None:
    cache = DocumentCache()
    schema = _schema(cache)
    query = "query($n: String!) { greeting(name: $n) }"
    first = await schema.execute(query, variable_values={"n": "a"})
    kept = cache.get(query)
    second = await schema.execute(query, variable_values={"n": "b"})
    assert first.errors is None and second.errors is None
    assert (first.data, second.data) == ({"greeting": "hello a"}, {"greeting": "hello b"})
    assert kept is not None and cache.get(query) is kept
    assert len(cache) == 1


async def test_an_invalid_document_is_refused_every_time_and_never_kept() -> None:
    cache = DocumentCache()
    schema = _schema(cache)
    first = await schema.execute("{ greting(name: 1) }")
    second = await schema.execute("{ greting(name: 1) }")
    assert first.errors and second.errors
    assert first.errors[0] is not second.errors[0]
    assert "Did you mean" in first.errors[0].message
    assert len(cache) == 0


async def test_suggestions_are_hidden_when_asked() -> None:
    result = await _schema(DocumentCache(), hide_suggestions=True).execute("{ greting }")
    assert result.errors
    assert "Did you mean" not in result.errors[0].message


def test_the_least_recently_used_document_goes_first() -> None:
    cache = DocumentCache(capacity=2)
    a, b, c = parse("{ a }"), parse("{ b }"), parse("{ c }")
    cache.put("{ a }", a)
    cache.put("{ b }", b)
    assert cache.get("{ a }") is a  # now the most recent
    cache.put("{ c }", c)
    assert cache.get("{ b }") is None
    assert cache.get("{ a }") is a and cache.get("{ c }") is c


async def test_the_same_text_serves_each_user_only_their_own_events(gateway: Gateway) -> None:
    alice, bob = await gateway.sign_up(), await gateway.sign_up()
    await make_event(gateway, alice, title="Alice's")
    await make_event(gateway, bob, title="Bob's")
    query = "{ events(first: 10) { edges { node { title } } } }"
    for token, title in ((alice, "Alice's"), (bob, "Bob's"), (alice, "Alice's")):
        data = await gateway.ok(query, token=token)
        assert [e["node"]["title"] for e in data["events"]["edges"]] == [title]


async def test_a_cached_text_is_still_held_to_the_cost_limit_of_its_variables(
    gateway: Gateway, token: str
) -> None:
    query = (
        "query($n: Int!) { events(first: $n) { edges { node { tags {"
        " events(first: $n) { edges { node { tags { events(first: $n) { totalCount } } } } } }"
        " } } } }"
    )
    assert "errors" not in await gateway.post(query, {"n": 1}, token=token)
    refused = await gateway.post(query, {"n": 100}, token=token)
    assert error_codes(refused) == ["QUERY_TOO_COMPLEX"]
