"""Document measures on the real gateway schema: depth, aliases, cost, fragments and variables."""

from __future__ import annotations

import time

import pytest
from graphql import GraphQLSchema, parse

from graph_gateway.errors import QueryTooComplexError
from graph_gateway.extensions.query_cost import measure_document
from graph_gateway.extensions.query_limits import QueryLimits, check_measure, size_violation
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    """The gateway's executable schema."""
    return build_schema(GatewaySettings(environment="test"))._schema


def test_connections_weigh_first_times_their_children(schema: GraphQLSchema) -> None:
    small = measure_document(schema, parse("{ events(first: 10) { edges { node { id } } } }"))
    large = measure_document(schema, parse("{ events(first: 100) { edges { node { id } } } }"))
    default = measure_document(schema, parse("{ events { edges { node { id } } } }"))
    assert small.depth == 4
    assert large.cost == 10 * small.cost - 9  # 1 for `events`, first × (edges + node + id)
    assert default.cost == 2 * small.cost - 1  # `first` defaults to 20


def test_first_from_a_variable_or_its_default_is_used(schema: GraphQLSchema) -> None:
    query = parse("query($n: Int = 50) { events(first: $n) { edges { node { id } } } }")
    assert (
        measure_document(schema, query).cost
        == measure_document(schema, parse("{ events(first: 50) { edges { node { id } } } }")).cost
    )
    with_value = measure_document(schema, query, variables={"n": 5})
    assert with_value.cost == 1 + 5 * 3


def test_first_over_the_cap_is_weighed_at_the_cap(schema: GraphQLSchema) -> None:
    # The resolver refuses first: 5000 as BAD_USER_INPUT; the cost check must not pre-empt it.
    capped = measure_document(schema, parse("{ events(first: 5000) { edges { node { id } } } }"))
    assert capped.cost == 1 + 100 * 3


def test_fragments_count_where_they_are_spread(schema: GraphQLSchema) -> None:
    query = parse(
        """
        { events(first: 10) { edges { node { ...E } } } tags { ...T } }
        fragment E on Event { id tags { ...T } }
        fragment T on Tag { id a: name }
        """
    )
    measure = measure_document(schema, query)
    assert measure.aliases == 2  # `a:` once in the document, spread twice
    assert measure.depth == 5  # events > edges > node > tags > name


def test_a_fragment_bomb_is_measured_quickly_and_refused(schema: GraphQLSchema) -> None:
    # Each fragment spreads the previous one ten times: 10^12 fields if expanded.
    lines = ["fragment F0 on Query { me { id } }"]
    for level in range(1, 13):
        spreads = " ".join([f"...F{level - 1}"] * 10)
        lines.append(f"fragment F{level} on Query {{ {spreads} }}")
    document = parse("{ ...F12 }\n" + "\n".join(lines))
    started = time.perf_counter()
    measure = measure_document(schema, document)
    assert time.perf_counter() - started < 0.1
    assert measure.cost == 2 * 10**12
    with pytest.raises(QueryTooComplexError) as refused:
        check_measure(measure, QueryLimits())
    assert refused.value.extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": "cost",
        "max": 50_000,
        "actual": 2 * 10**12,
    }


def test_cyclic_fragments_do_not_hang_the_measure(schema: GraphQLSchema) -> None:
    document = parse("{ ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A }")
    assert measure_document(schema, document).depth == 2


def test_introspection_is_free(schema: GraphQLSchema) -> None:
    query = parse(
        "{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }"
    )
    assert measure_document(schema, query) == measure_document(schema, parse("{ __typename }"))


def test_size_and_tokens_are_named(schema: GraphQLSchema) -> None:
    limits = QueryLimits(max_document_chars=2_000, max_tokens=100)
    too_long = size_violation("{ me { id } }" + " " * 3_000, limits)
    assert too_long is not None and too_long.limit == "document_size"
    too_many = size_violation("{ " + "a: me { id } " * 30 + "}", limits)
    assert too_many is not None and too_many.limit == "tokens"
    assert too_many.extensions is not None and too_many.extensions["actual"] == 2 + 6 * 30
    assert size_violation("{ me { id } }", limits) is None
