"""Persisted queries over HTTP: Apollo's APQ round trip, hash checks, allow-list and off modes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_gateway.settings import GatewaySettings, sha256_hex
from tests.hardening.in_process import gateway

QUERY = "query Hello { __typename }"
OTHER = "query Other { __typename }"


def settings_with(tmp_path: Path, **overrides: Any) -> GatewaySettings:
    """Test settings with persisted-query options."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": f"sqlite:///{tmp_path / 'gateway.db'}",
        **overrides,
    }
    return GatewaySettings(**values)


def persisted(digest: str) -> dict[str, Any]:
    """The APQ request extension."""
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def code_of(response: httpx.Response) -> str | None:
    """The first error's code, or None when there is no error."""
    errors = response.json().get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_automatic_persisted_queries_round_trip(tmp_path: Path) -> None:
    digest = sha256_hex(QUERY)
    async with gateway(settings_with(tmp_path)) as http:
        unknown = await http.post("/graphql", json={"extensions": persisted(digest)})
        registered = await http.post(
            "/graphql", json={"query": QUERY, "extensions": persisted(digest)}
        )
        by_hash = await http.post("/graphql", json={"extensions": persisted(digest)})
        by_get = await http.get("/graphql", params={"extensions": json.dumps(persisted(digest))})
    assert code_of(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert registered.json()["data"] == {"__typename": "Query"}
    assert by_hash.json() == registered.json()
    assert by_get.json()["data"] == {"__typename": "Query"}


async def test_a_hash_that_does_not_match_its_query_is_refused(tmp_path: Path) -> None:
    async with gateway(settings_with(tmp_path)) as http:
        wrong = await http.post(
            "/graphql", json={"query": QUERY, "extensions": persisted(sha256_hex(OTHER))}
        )
        malformed = await http.post("/graphql", json={"extensions": persisted("not-a-hash")})
        # The mismatched pair taught the gateway nothing.
        after = await http.post("/graphql", json={"extensions": persisted(sha256_hex(OTHER))})
    assert code_of(wrong) == "BAD_REQUEST"
    assert code_of(malformed) == "BAD_REQUEST"
    assert code_of(after) == "PERSISTED_QUERY_NOT_FOUND"


async def test_allow_list_runs_only_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    operations = [{"id": sha256_hex(QUERY), "body": QUERY, "name": "Hello", "type": "query"}]
    manifest.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    settings = settings_with(
        tmp_path, persisted_queries="allow_list", persisted_query_manifest=manifest
    )
    async with gateway(settings) as http:
        listed = await http.post("/graphql", json={"extensions": persisted(sha256_hex(QUERY))})
        listed_in_full = await http.post("/graphql", json={"query": QUERY})
        other = await http.post("/graphql", json={"query": OTHER})
        other_with_hash = await http.post(
            "/graphql", json={"query": OTHER, "extensions": persisted(sha256_hex(OTHER))}
        )
    assert listed.json()["data"] == {"__typename": "Query"}
    assert listed_in_full.json()["data"] == {"__typename": "Query"}
    assert code_of(other) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert code_of(other_with_hash) == "PERSISTED_QUERY_NOT_IN_LIST"


def test_allow_list_without_a_valid_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="manifest"):
        settings_with(tmp_path, persisted_queries="allow_list")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({sha256_hex(OTHER): QUERY}))
    with pytest.raises(ValueError, match="SHA-256"):
        settings_with(tmp_path, persisted_queries="allow_list", persisted_query_manifest=forged)


async def test_off_mode_says_so(tmp_path: Path) -> None:
    async with gateway(settings_with(tmp_path, persisted_queries="off")) as http:
        response = await http.post("/graphql", json={"extensions": persisted(sha256_hex(QUERY))})
        plain = await http.post("/graphql", json={"query": QUERY})
    assert code_of(response) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert plain.json()["data"] == {"__typename": "Query"}
