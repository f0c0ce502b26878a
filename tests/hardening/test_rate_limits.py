"""Rate limits on the real gateway app (in-process): bursts, per-user buckets, sign-in guessing.

Client addresses come through `X-Forwarded-For` from a trusted proxy (the ASGI test client's
127.0.0.1), as they would behind a load balancer; sign-up and log-in need no backing service.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_gateway.settings import GatewaySettings
from tests.hardening.in_process import gateway

SIGN_UP = """mutation SignUp($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { token user { id } } }"""
LOG_IN = """mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { token } }"""


def settings_for(tmp_path: Path, **overrides: Any) -> GatewaySettings:
    """Gateway settings for one test: its own database, cheap hashing, rate limits on."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": f"sqlite:///{tmp_path / 'gateway.db'}",
        "calendar_url": "http://127.0.0.1:9",  # never called by these tests
        "diary_url": "http://127.0.0.1:9",
        "password_time_cost": 1,
        "password_memory_kib": 1024,
        "password_parallelism": 1,
        "rate_limit_enabled": True,
        "trusted_proxies": ["127.0.0.1"],
        **overrides,
    }
    return GatewaySettings(**values)


async def post(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    ip: str,
    token: str | None = None,
) -> httpx.Response:
    """POST one GraphQL request as if from client `ip` behind the trusted proxy."""
    headers = {"X-Forwarded-For": ip}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def assert_rate_limited(response: httpx.Response) -> None:
    """HTTP 429, a positive Retry-After, and a RATE_LIMITED GraphQL error."""
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["RATE_LIMITED"]


@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:6379/15"])
async def test_a_burst_beyond_the_limit_is_answered_with_429s(tmp_path: Path, storage: str) -> None:
    # Redis keys survive between runs: a fresh IPv6 address per run keeps the count clean.
    ip = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    settings = settings_for(
        tmp_path, rate_limit_per_client="20/minute", rate_limit_storage_uri=storage
    )
    async with gateway(settings) as http:
        answers = [await post(http, "{ __typename }", ip=ip) for _ in range(30)]
        other = await post(http, "{ __typename }", ip="2001:db8::1:" + secrets.token_hex(2))
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 20
    assert statuses.count(429) == 10
    assert statuses[:20] == [200] * 20
    for answer in answers[20:]:
        assert_rate_limited(answer)
    assert other.status_code == 200  # another client's bucket is its own


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rate_limit_per_client="5/minute", trusted_proxies=[])
    async with gateway(settings) as http:
        # Each request claims a different client; untrusted, they all count as 127.0.0.1.
        answers = [await post(http, "{ __typename }", ip=f"192.0.2.{n}") for n in range(1, 8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2


async def test_authenticated_requests_count_per_user_wherever_they_come_from(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, rate_limit_per_client="8/minute")
    email, password = f"u-{secrets.token_hex(4)}@example.test", secrets.token_urlsafe(12)
    async with gateway(settings) as http:
        signed = await post(http, SIGN_UP, {"email": email, "password": password}, ip="192.0.2.1")
        token = signed.json()["data"]["signUp"]["token"]
        answers = [
            await post(http, "{ me { id } }", ip=f"192.0.2.{n}", token=token) for n in range(2, 12)
        ]
        anonymous = await post(http, "{ __typename }", ip="192.0.2.2")
    assert [a.status_code for a in answers] == [200] * 8 + [429] * 2
    assert anonymous.status_code == 200  # the IP bucket of 192.0.2.2 was never touched


async def test_password_guessing_is_cut_off_while_others_sign_in(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        rate_limit_per_client="1000/minute",
        rate_limit_sign_in_per_ip="5/minute",
        rate_limit_sign_in_per_email="20/hour",
    )
    victim, password = f"v-{secrets.token_hex(4)}@example.test", secrets.token_urlsafe(12)
    attacker, owner_ip = "203.0.113.66", "198.51.100.7"
    async with gateway(settings) as http:
        created = await post(http, SIGN_UP, {"email": victim, "password": password}, ip=owner_ip)
        assert created.status_code == 200, created.text
        guesses = [
            await post(http, LOG_IN, {"email": victim, "password": f"guess-{n}"}, ip=attacker)
            for n in range(12)
        ]
        # The right password does not help the attacker once cut off.
        late = await post(http, LOG_IN, {"email": victim, "password": password}, ip=attacker)
        owner = await post(http, LOG_IN, {"email": victim, "password": password}, ip=owner_ip)
        newcomer = await post(
            http,
            SIGN_UP,
            {"email": f"n-{secrets.token_hex(4)}@example.test", "password": "a-long-passphrase"},
            ip="198.51.100.8",
        )

    codes = [g.json()["errors"][0]["extensions"]["code"] for g in guesses]
    assert codes == ["UNAUTHENTICATED"] * 5 + ["RATE_LIMITED"] * 7
    assert_rate_limited(guesses[-1])
    assert_rate_limited(late)
    assert owner.status_code == 200 and owner.json()["data"]["logIn"]["token"]
    assert newcomer.status_code == 200 and newcomer.json()["data"]["signUp"]["token"]


async def test_aliased_log_ins_count_one_by_one(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, rate_limit_sign_in_per_ip="5/minute")
    fields = " ".join(
        f'g{n}: logIn(email: "x@example.test", password: "p{n}") {{ token }}' for n in range(6)
    )
    async with gateway(settings) as http:
        response = await post(http, f"mutation {{ {fields} }}", ip="203.0.113.9")
    assert_rate_limited(response)


async def test_an_unreachable_store_fails_open_and_shows_in_readiness(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path, rate_limit_per_client="2/minute", rate_limit_storage_uri="redis://127.0.0.1:1"
    )
    async with gateway(settings) as http:
        answers = [await post(http, "{ __typename }", ip="192.0.2.77") for _ in range(4)]
        ready = await http.get("/health/ready")
    assert [a.status_code for a in answers] == [200] * 4  # serving, though unprotected
    assert ready.json()["checks"]["rate_limits"] == "degraded"
