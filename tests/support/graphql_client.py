"""A GraphQL client for a live gateway, and signing up test accounts through it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class GraphQLResult:
    """What the gateway answered: HTTP status, `data`, `errors`."""

    status_code: int
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]
    response: httpx.Response

    @property
    def error_codes(self) -> list[str | None]:
        """Each error's `extensions.code`, in order."""
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def ok(self) -> dict[str, Any]:
        """The data of a response without errors (fails the test otherwise)."""
        assert self.status_code == 200, (self.status_code, self.response.text)
        assert not self.errors, self.errors
        assert self.data is not None
        return self.data


class GraphQLClient:
    """POSTs GraphQL requests to the live gateway over one pooled httpx client."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http = http
        self.url = url

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> GraphQLResult:
        """Run one operation, with `Authorization: Bearer <token>` when a token is given."""
        sent = {"Accept": "application/graphql-response+json, application/json;q=0.9"}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = dict(variables)
        if operation_name is not None:
            body["operationName"] = operation_name
        response = await self.http.post(self.url, json=body, headers=sent)
        payload = response.json()
        return GraphQLResult(
            status_code=response.status_code,
            data=payload.get("data"),
            errors=payload.get("errors") or [],
            response=response,
        )

    async def persisted(self, token: str, query: str | None, digest: str) -> dict[str, Any]:
        """An automatic persisted query by its SHA-256 `digest`, with its document or without;
        the answer's JSON as it came."""
        persisted = {"version": 1, "sha256Hash": digest}
        body: dict[str, Any] = {"extensions": {"persistedQuery": persisted}}
        if query is not None:
            body["query"] = query
        response = await self.http.post(
            self.url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        return dict(response.json())


SIGN_UP = """
mutation SignUp($email: String!, $password: String!, $displayName: String) {
  signUp(email: $email, password: $password, displayName: $displayName) {
    token
    user { id email displayName }
  }
}
"""


@dataclass(frozen=True)
class LiveUser:
    """An account signed up through the gateway, with its token."""

    id: str
    email: str
    password: str
    token: str


async def sign_up(client: GraphQLClient, *, display_name: str | None = None) -> LiveUser:
    """Sign up a fresh account with a unique email."""
    email = f"user-{secrets.token_hex(6)}@example.test"
    password = secrets.token_urlsafe(16)
    variables = {"email": email, "password": password, "displayName": display_name}
    payload = (await client.execute(SIGN_UP, variables)).ok()["signUp"]
    return LiveUser(
        id=payload["user"]["id"], email=email, password=password, token=payload["token"]
    )
