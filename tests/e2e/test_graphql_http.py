"""The `/graphql` endpoint's HTTP behaviour on the live gateway, beyond what the audits check."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from graphql import build_schema, parse, validate

from graph_gateway.http.graphiql import GraphiQLAssets, render_graphiql_page
from graph_gateway.http.graphiql.page import default_query
from graph_gateway.http.router import negotiate
from scripts.export_schema import gateway_sdl
from tests.support.live_stack import LiveStack

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
async def http(live_stack: LiveStack) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client for the gateway."""
    async with httpx.AsyncClient(base_url=live_stack.gateway.url, timeout=30) as client:
        yield client


async def test_mutation_over_get_is_405_with_allow_post(http: httpx.AsyncClient) -> None:
    """GET runs queries only; a mutation names POST as the method to use."""
    response = await http.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"Accept": "*/*"}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_other_methods_are_405_naming_get_and_post(http: httpx.AsyncClient) -> None:
    """PUT and DELETE are refused with the methods GraphQL over HTTP uses."""
    for method in ("PUT", "DELETE"):
        response = await http.request(method, "/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"


async def test_unacceptable_accept_is_406(http: httpx.AsyncClient) -> None:
    """A client that accepts neither JSON type is told so, in JSON."""
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept": "text/plain"}
    )
    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


async def test_form_post_is_415(http: httpx.AsyncClient) -> None:
    """A urlencoded body is not GraphQL over HTTP."""
    response = await http.post("/graphql", data={"query": "{ __typename }"})
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_request_error_with_graphql_response_json_is_400_without_data(
    http: httpx.AsyncClient,
) -> None:
    """A validation error: 400 and no `data` for the new media type, 200 for legacy JSON."""
    body = {"query": "{ noSuchField }"}
    modern = await http.post("/graphql", json=body, headers={"Accept": GRAPHQL_RESPONSE})
    assert modern.status_code == 400
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in modern.json()
    assert modern.headers["cache-control"] == "no-store"
    legacy = await http.post("/graphql", json=body, headers={"Accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")
    assert "data" not in legacy.json() and legacy.json()["errors"]


async def test_field_error_keeps_200_under_graphql_response_json(
    http: httpx.AsyncClient,
) -> None:
    """An error during execution (here: no token) is not a request error: still 200."""
    response = await http.post(
        "/graphql", json={"query": "{ tags { id } }"}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 200
    payload = response.json()
    assert "data" in payload
    assert payload["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphiql_page_is_served_to_browsers_only(http: httpx.AsyncClient) -> None:
    """A browser gets GraphiQL with a self-only CSP; `*/*` without a query gets a 400."""
    page = await http.get("/graphql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg" not in page.text and "cdn" not in page.text.lower()
    assert "Bearer \\u003ctoken from logIn\\u003e" in page.text
    curl = await http.get("/graphql", headers={"Accept": "*/*"})
    assert curl.status_code == 400


async def test_graphiql_assets_are_versioned_immutable_and_gzipped(
    http: httpx.AsyncClient,
) -> None:
    """Every script and stylesheet the page names is served, cacheable for a year, gzipped."""
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    urls = re.findall(r'(?:src|href)="(/graphql/assets/[^"]+)"', page.text)
    assert len(urls) == 5
    for url in urls:
        response = await http.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-encoding"] == "gzip"
        assert len(response.content) > 100
    missing = await http.get("/graphql/assets/graphiql@3.8.3/..%2Fpackage.json")
    assert missing.status_code == 404


def test_missing_npm_packages_give_a_503_page_that_says_what_to_run(tmp_path: Path) -> None:
    """Without node_modules the GraphiQL page explains itself instead of loading nothing."""
    assets = GraphiQLAssets(tmp_path / "node_modules", mount="/graphql/assets")
    assert len(assets.missing()) == 4
    response = render_graphiql_page(assets, endpoint="/graphql")
    assert response.status_code == 503
    assert b"make node" in response.body


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", "application/json"),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("text/html, application/graphql-response+json;q=0", None),
        ("application/graphql-response+json;q=oops, text/plain", None),
        ("text/plain", None),
    ],
)
def test_negotiate_honours_quality_values(accept: str | None, chosen: str | None) -> None:
    """The best-quality JSON type wins; the watershed type wins ties; q=0 means not acceptable."""
    assert negotiate(accept) == chosen


@pytest.mark.parametrize("today", [date(2026, 2, 14), date(2028, 12, 31)])
def test_graphiql_default_operations_are_valid_against_the_schema(today: date) -> None:
    """Every operation GraphiQL opens with validates, whatever the month (February, leap years)."""
    document = parse(default_query(today))
    assert len(document.definitions) == 4
    assert validate(build_schema(gateway_sdl()), document) == []
