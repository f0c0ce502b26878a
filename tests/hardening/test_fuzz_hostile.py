"""Fuzz the live gateway as a hostile client: never a 5xx, never INTERNAL_SERVER_ERROR, every
error coded, no Python text in any answer.

- documents generated from the schema by hypothesis-graphql (valid ones and ones with a schema
  violation), their string literals drawn from every code point, unpaired surrogates included;
- variables for every string argument and input object, drawn from hostile JSON: unpaired
  surrogates, control characters, values up to 300 KB long and 5,000 levels deep;
- request bodies of every JSON type, and bytes that are not JSON at all;
- multipart uploads with generated `operations` and `map` fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import graphql
import httpx
import hypothesis
import pytest
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from scripts.processes import REPO_ROOT
from tests.support.graphql_client import LiveUser
from tests.support.live_stack import LiveStack

pytestmark = pytest.mark.e2e

SCHEMA = (REPO_ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8")
# Python's own words, never to be shown to a client (all lower case).
PYTHON_TEXT = ("traceback", 'file "', "codec", "object has no attribute", "sqlalchemy", "psycopg")
FUZZ = hypothesis.settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)

# Any code point, unpaired surrogates (category Cs) and NUL included.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(["\ud800", "a\udfff", "\ud83d", "\x00", "\u202e", "٢", "../../etc/passwd"]),
    st.integers(0, 300_000).map(lambda n: "x" * n),
)


@dataclass(frozen=True)
class Deep:
    """JSON text nested `depth` lists deep (kept as text: `json` itself cannot nest that far)."""

    depth: int

    def json(self) -> str:
        """The JSON text."""
        return "[" * self.depth + '"deep"' + "]" * self.depth


def to_json(value: Any) -> str:
    """JSON text of a generated value; unpaired surrogates become `\\ud800` escapes."""
    return value.json() if isinstance(value, Deep) else json.dumps(value)


hostile_json = st.one_of(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["name", "title", "content", "date", "x"]) | any_text,
                          children, max_size=4),
        max_leaves=12,
    ),
    st.integers(1, 5_000).map(Deep),
)  # fmt: skip

OPERATIONS = [
    "query($v: String) { events(search: $v) { totalCount } }",
    "query($v: String) { events(after: $v, first: 5) { totalCount } }",
    "query($v: ID!) { event(id: $v) { id title } }",
    'query($v: String) { days(from: "2026-01-01", to: "2026-01-02", timeZone: $v) { date } }',
    "query($v: Date!) { days(from: $v, to: $v) { date } }",
    "query($v: DateTime) { events(from: $v) { totalCount } }",
    "mutation($v: TagInput!) { createTag(input: $v) { id name } }",
    "mutation($v: CreateEventInput!) { createEvent(input: $v) { id } }",
    "mutation($v: CreateDiaryEntryInput!) { createDiaryEntry(input: $v) { id } }",
    'mutation($v: String!) { logIn(email: $v, password: "long enough") { token } }',
    'mutation($v: String!) { signUp(email: "x@example.test", password: $v) { token } }',
]


def text_node(draw: st.DrawFn) -> graphql.StringValueNode:
    """A string literal: a date-like or any text."""
    value = draw(st.one_of(st.sampled_from(["2026-01-01", "2026-01-01T00:00:00Z"]), any_text))
    return nodes.String(value)


custom_scalars = {
    "Date": st.composite(text_node)(),
    "DateTime": st.composite(text_node)(),
    "Upload": st.just(graphql.NullValueNode()),
}
documents = st.one_of(
    from_schema(SCHEMA, custom_scalars=custom_scalars, codec=None, mode=Mode.POSITIVE),
    from_schema(SCHEMA, custom_scalars=custom_scalars, codec=None, mode=Mode.NEGATIVE),
)


def check(response: httpx.Response) -> None:
    """The invariants of every answer from `/graphql`."""
    assert response.status_code < 500, response.text[:500]
    lowered = response.text.lower()
    assert not [t for t in PYTHON_TEXT if t in lowered], response.text[:500]
    body = response.json()
    assert isinstance(body, dict) and ("errors" in body or "data" in body), body
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert None not in codes, response.text[:500]
    assert "INTERNAL_SERVER_ERROR" not in codes, response.text[:500]


@pytest.fixture(scope="module")
def http() -> Any:
    """One HTTP client for the whole module."""
    with httpx.Client(timeout=60) as client:
        yield client


def post_json(http: httpx.Client, stack: LiveStack, token: str, body: str) -> httpx.Response:
    """POST JSON text."""
    return http.post(
        stack.graphql_url,
        content=body.encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )


def test_generated_documents(hardening_stack: LiveStack, member: LiveUser, http: Any) -> None:
    @FUZZ
    @hypothesis.given(document=documents)
    def fuzz(document: str) -> None:
        check(post_json(http, hardening_stack, member.token, to_json({"query": document})))

    fuzz()


def test_hostile_variables(hardening_stack: LiveStack, member: LiveUser, http: Any) -> None:
    @FUZZ
    @hypothesis.given(query=st.sampled_from(OPERATIONS), value=hostile_json)
    def fuzz(query: str, value: Any) -> None:
        body = f'{{"query": {to_json(query)}, "variables": {{"v": {to_json(value)}}}}}'
        check(post_json(http, hardening_stack, member.token, body))

    fuzz()


def test_bodies_of_every_json_type(hardening_stack: LiveStack, member: LiveUser, http: Any) -> None:
    @FUZZ
    @hypothesis.given(body=hostile_json | st.binary(max_size=200))
    def fuzz(body: Any) -> None:
        if isinstance(body, bytes):
            response = http.post(
                hardening_stack.graphql_url,
                content=body,
                headers={"content-type": "application/json"},
            )
            check(response)
        else:
            check(post_json(http, hardening_stack, member.token, to_json(body)))

    fuzz()


upload = {"query": 'mutation($f: Upload!) { addDiaryImage(entryId: "1", file: $f) { id } }',
          "variables": {"f": None}}  # fmt: skip
paths = st.sampled_from(
    ["variables.f", "variables.f.0", "variables.g", "variables", "variables.f.99999999999", "x"]
)
maps = st.one_of(
    hostile_json,
    st.dictionaries(st.sampled_from(["0", "1", "x"]), st.lists(paths | any_text, max_size=3)),
)


def test_multipart_with_generated_maps(
    hardening_stack: LiveStack, member: LiveUser, http: Any
) -> None:
    @FUZZ
    @hypothesis.given(operations=st.just(upload) | hostile_json, files_map=maps)
    def fuzz(operations: Any, files_map: Any) -> None:
        response = http.post(
            hardening_stack.graphql_url,
            data={"operations": to_json(operations), "map": to_json(files_map)},
            files={"0": ("a.jpg", b"\xff\xd8 not a picture", "image/jpeg")},
            headers={
                "authorization": f"Bearer {member.token}",
                "apollo-require-preflight": "true",
            },
        )
        check(response)

    fuzz()
