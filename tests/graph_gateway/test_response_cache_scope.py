"""What the response cache reads from a document: cacheable or not, what its answer shows, what
a mutation changes; checked against the schema itself, so a new type or mutation is noticed."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, get_named_type, is_composite_type, parse

from graph_gateway.response_cache.scope import (
    ALL_DOMAINS,
    CACHEABLE_ROOTS,
    MUTATION_DOMAINS,
    TYPE_DOMAINS,
    Scope,
    scope_of,
)
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings

SCHEMA = build_schema(GatewaySettings(environment="test"))._schema
# Mutations left out of the table on purpose: they change everything the cache holds.
EVERYTHING = {"updateMe", "deleteAccount"}


def _scope(document: str, operation: str | None = None) -> Scope:
    return scope_of(SCHEMA, parse(document), operation)


def test_every_mutation_is_listed_or_deliberately_changes_everything() -> None:
    assert SCHEMA.mutation_type is not None
    fields = set(SCHEMA.mutation_type.fields)
    assert set(MUTATION_DOMAINS) | EVERYTHING == fields
    for name in EVERYTHING:
        assert _scope(f"mutation {{ {name} }}").writes == ALL_DOMAINS


def test_every_type_a_cacheable_field_reaches_has_its_domains() -> None:
    assert SCHEMA.query_type is not None
    seen: set[str] = set()
    pending = [SCHEMA.query_type.fields[name].type for name in CACHEABLE_ROOTS - {"__typename"}]
    while pending:
        named = get_named_type(pending.pop())
        if not is_composite_type(named) or named.name in seen:
            continue
        seen.add(named.name)
        assert isinstance(named, GraphQLObjectType)
        pending.extend(field.type for field in named.fields.values())
    assert seen - set(TYPE_DOMAINS) == set()


@pytest.mark.parametrize(
    ("document", "reads"),
    [
        ('{ days(from: "2026-03-01", to: "2026-03-31") { date } }', set()),
        ('{ days(from: "2026-03-01", to: "2026-03-31") { events { id } } }', {"events"}),
        ("{ tags { events { edges { node { id } } } } }", {"tags", "events"}),
        ("{ events { totalCount } }", {"events"}),
        (
            "{ ...F } fragment F on Query { diaryEntries { edges { node { tags { id } } } } }",
            {"diary", "tags"},
        ),
        ("{ __typename }", set()),
    ],
)
def test_what_an_answer_shows(document: str, reads: set[str]) -> None:
    assert _scope(document) == Scope(cacheable=True, reads=frozenset(reads))


@pytest.mark.parametrize(
    "document",
    [
        "{ me { id } }",
        "{ apiKeys { id } }",
        "{ events { totalCount } me { id } }",
        "{ ... on Query { me { id } } }",
        "{ __schema { queryType { name } } }",
        'mutation { createTag(input: {name: "n", color: "#000000"}) { id } }',
    ],
)
def test_what_is_never_cached(document: str) -> None:
    assert not _scope(document).cacheable


def test_signed_urls_and_the_chosen_operation() -> None:
    images = _scope('{ diaryEntry(id: "1") { images { url } } }')
    assert images.cacheable and images.signs_urls and images.reads == {"diary"}
    two = 'query A { tags { id } } mutation B { deleteTag(id: "1") }'
    assert _scope(two, "B").writes == ALL_DOMAINS
    assert _scope(two, "A").cacheable
    rename = 'mutation { updateTag(id: "1", input: {name: "n", color: "#000000"}) { id } }'
    assert _scope(rename).writes == {"tags"}
