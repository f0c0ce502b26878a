"""The plans keep graphql-core's semantics where they are subtle: errors mid-list, null
propagation to the nearest nullable parent, non-null violations, async fields, directives with
variables, aliases, fragments and `__typename`.

A small Strawberry schema wired as the gateway wires its own (plain fields read directly, async
resolvers bounded by the deadline, the document cache, the planned executor) runs each
operation through its plan and through graphql-core alone; the formatted results must be equal
byte for byte, and the plan must have been used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import json
from typing import Any

import pytest
import strawberry
from graphql import parse

from graph_gateway.execution.executor import (
    MAX_PLANS_PER_DOCUMENT,
    PlannedExecutor,
    PlanSwitch,
    planned_executor,
)
from graph_gateway.execution.plan import OperationPlan
from graph_gateway.extensions.deadline import bound_async_resolvers
from graph_gateway.extensions.document_cache import DocumentCache, document_cache_extension
from graph_gateway.extensions.plain_fields import read_plain_fields_directly
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings
from graph_gateway.types.scalars import SCALAR_OVERRIDES


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    id: int
    name: str | None
    colour: Colour
    day: dt.date
    tags: list[str]

    @strawberry.field
    def must(self) -> str:
        if self.id == 2:
            raise ValueError(f"must failed for {self.id}")
        return f"must {self.id}"

    @strawberry.field
    def maybe(self, suffix: str = "") -> str | None:
        if self.id == 3:
            raise ValueError("maybe failed")
        return f"maybe {self.id}{suffix}"

    @strawberry.field
    async def later(self) -> str:
        await asyncio.sleep(0)
        if self.id == 4:
            raise ValueError("later failed")
        return f"later {self.id}"

    @strawberry.field
    def nothing(self) -> str:
        return None  # type: ignore[return-value]  # the violation under test

    @strawberry.field
    async def children(self) -> list[Item] | None:
        await asyncio.sleep(0)
        return [item(self.id * 10 + n) for n in (1, 2)]


def item(n: int) -> Item:
    return Item(
        id=n,
        name=None if n % 2 else f"item {n}",
        colour=Colour.RED if n % 3 else Colour.BLUE,
        day=dt.date(2026, 3, n % 28 + 1),
        tags=[f"t{n}", "x"],
    )


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [item(n) for n in range(1, 6)]

    @strawberry.field
    def nullable_items(self) -> list[Item | None] | None:
        return [item(n) for n in range(1, 6)]

    @strawberry.field
    def strict_items(self) -> list[Item] | None:
        return [item(n) for n in range(1, 6)]

    @strawberry.field
    async def one(self, id: int) -> Item | None:
        await asyncio.sleep(0)
        return item(id)

    @strawberry.field
    def broken(self) -> list[int] | None:
        return 7  # type: ignore[return-value]  # not a list


def make_schema() -> tuple[strawberry.Schema, PlanSwitch, DocumentCache]:
    cache = DocumentCache()
    switch = PlanSwitch(cache.plans, on=True)
    schema = strawberry.Schema(
        query=Query,
        extensions=[document_cache_extension(cache, hide_suggestions=False)],
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=planned_executor(switch),
    )
    read_plain_fields_directly(schema)
    bound_async_resolvers(schema)
    return schema, switch, cache


SCHEMA, SWITCH, CACHE = make_schema()


async def both_ways(query: str, variables: dict[str, Any] | None = None) -> str:
    """The result's JSON through the plan and through graphql-core: equal, and planned."""
    answers = []
    for enabled in (False, True):
        SWITCH.enabled = enabled
        try:
            result = await SCHEMA.execute(query, variable_values=variables)
        finally:
            SWITCH.enabled = True
        formatted: dict[str, Any] = {"data": result.data}
        if result.errors:
            formatted["errors"] = [error.formatted for error in result.errors]
        answers.append(json.dumps(formatted, ensure_ascii=False))
    assert answers[0] == answers[1], f"plain:   {answers[0]}\nplanned: {answers[1]}"
    plans = CACHE.plans(CACHE.get(query))  # type: ignore[arg-type]
    assert plans is not None and any(isinstance(p, OperationPlan) for p in plans.values())
    return answers[1]


async def test_a_resolver_error_mid_list_nulls_the_nearest_nullable_item() -> None:
    answer = await both_ways("{ nullableItems { id must maybe name } }")
    assert '"path": ["nullableItems", 1, "must"]' in answer
    assert '"path": ["nullableItems", 2, "maybe"]' in answer
    assert json.loads(answer)["data"]["nullableItems"][1] is None


async def test_a_non_null_item_error_nulls_the_whole_nullable_list() -> None:
    answer = await both_ways("{ strictItems { id must } one(id: 1) { id } }")
    assert json.loads(answer)["data"] == {"strictItems": None, "one": {"id": 1}}


async def test_a_non_null_violation_bubbles_up_to_data() -> None:
    answer = await both_ways("{ items { id nothing } }")
    assert json.loads(answer)["data"] is None
    assert "Cannot return null for non-nullable field Item.nothing." in answer


@pytest.mark.parametrize(
    "query",
    [
        "{ items { id later } }",
        "{ nullableItems { later children { id later must } } }",
        "{ one(id: 4) { later } two: one(id: 2) { must children { must } } }",
        "{ broken }",
        "{ items { id name colour day tags __typename } __typename }",
    ],
)
async def test_async_fields_lists_leaves_and_errors_answer_the_same(query: str) -> None:
    await both_ways(query)


async def test_skip_and_include_follow_the_variables_each_request() -> None:
    query = (
        "query($with: Boolean!, $without: Boolean = false) { items { id"
        " name @include(if: $with) colour @skip(if: $without) must @skip(if: true) } }"
    )
    both = json.loads(await both_ways(query, {"with": True, "without": False}))
    assert set(both["data"]["items"][0]) == {"id", "name", "colour"}
    neither = json.loads(await both_ways(query, {"with": False, "without": True}))
    assert set(neither["data"]["items"][0]) == {"id"}
    assert set(json.loads(await both_ways(query, {"with": False}))["data"]["items"][0]) == {
        "id",
        "colour",
    }


async def test_aliases_of_one_field_with_different_arguments() -> None:
    answer = await both_ways(
        '{ one(id: 5) { a: maybe(suffix: "!") b: maybe(suffix: "?") maybe } x: one(id: 6) { id } }'
    )
    assert json.loads(answer)["data"]["one"] == {
        "a": "maybe 5!",
        "b": "maybe 5?",
        "maybe": "maybe 5",
    }


async def test_named_and_inline_fragments_with_type_conditions_merge() -> None:
    answer = await both_ways(
        "query Q($id: Int!) { one(id: $id) { ...Parts ... on Item { tags id } ... { colour } }"
        " items { ...Parts } } fragment Parts on Item { id name __typename children { id } }",
        {"id": 8},
    )
    assert json.loads(answer)["data"]["one"] == {
        "id": 8,
        "name": "item 8",
        "__typename": "Item",
        "children": [{"id": 81}, {"id": 82}],
        "tags": ["t8", "x"],
        "colour": "RED",
    }


async def test_operations_of_one_document_each_get_their_plan() -> None:
    document = "query A { one(id: 1) { id } } query B { items { id } }"
    for name in ("A", "B"):
        SWITCH.enabled = True
        result = await SCHEMA.execute(document, operation_name=name)
        assert result.errors is None and list(result.data or {}) == (
            ["one"] if name == "A" else ["items"]
        )
    plans = CACHE.plans(CACHE.get(document))  # type: ignore[arg-type]
    assert plans is not None and {key[0] for key in plans if isinstance(key, tuple)} == {"A", "B"}


async def test_introspection_runs_through_graphql_core() -> None:
    query = "{ __schema { queryType { name } } items { id } }"
    result = await SCHEMA.execute(query)
    assert result.errors is None and result.data is not None
    assert result.data["__schema"] == {"queryType": {"name": "Query"}}
    plans = CACHE.plans(CACHE.get(query))  # type: ignore[arg-type]
    assert plans is not None and not any(isinstance(p, OperationPlan) for p in plans.values())


async def test_plans_per_document_stop_at_the_limit_and_the_rest_run_unplanned() -> None:
    flags = [f"f{n}" for n in range(5)]
    query = (
        f"query({', '.join(f'${f}: Boolean!' for f in flags)}) {{ one(id: 1) {{ id "
        + " ".join(f"{f}: maybe(suffix: {f!r}) @include(if: ${f})".replace("'", '"') for f in flags)
        + " } }"
    )
    for combination in range(MAX_PLANS_PER_DOCUMENT + 4):
        variables = {f: bool(combination >> n & 1) for n, f in enumerate(flags)}
        if combination < MAX_PLANS_PER_DOCUMENT:
            answer = json.loads(await both_ways(query, variables))
        else:  # past the limit: run unplanned, the same answer
            result = await SCHEMA.execute(query, variable_values=variables)
            assert result.errors is None and result.data is not None
            answer = {"data": result.data}
        assert set(answer["data"]["one"]) == {"id", *(f for f in flags if variables[f])}
    plans = CACHE.plans(CACHE.get(query))  # type: ignore[arg-type]
    assert plans is not None
    assert sum(isinstance(plan, OperationPlan) for plan in plans.values()) == MAX_PLANS_PER_DOCUMENT


def test_a_document_leaving_the_cache_takes_its_plans_along() -> None:
    cache = DocumentCache(capacity=1)
    first, second = parse("{ items { id } }"), parse("{ items { name } }")
    cache.put("first", first)
    slot = cache.plans(first)
    assert slot == {} and cache.plans(parse("{ items { id } }")) is None  # this very object only
    cache.put("second", second)
    assert cache.plans(first) is None and cache.plans(second) == {}
    cache.put("second", parse("{ items { name } }"))  # the same text parsed again
    assert cache.plans(second) is None


def test_the_setting_turns_plans_off(gateway_settings: GatewaySettings) -> None:
    for compiled in (False, True):
        settings = gateway_settings.model_copy(update={"compiled_execution": compiled})
        executor = build_schema(settings).execution_context_class
        assert issubclass(executor, PlannedExecutor)
        assert vars(executor)["switch"].enabled is compiled
