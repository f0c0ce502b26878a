"""`deleteAccount` on the live processes: everything of the account goes from every database
and the image store, its credentials die at once, the email can start over, others keep theirs;
and a SIGKILL of a service or of the gateway in the middle is finished after the restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from diary_svc.thumbnails import derived_keys
from scripts.processes import Process
from tests.e2e.accounts.owned import (
    give_everything,
    image_files,
    kill,
    owned_row_counts,
    read_everything,
    storage_keys,
)
from tests.e2e.conftest import DatabaseSet
from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up
from tests.support.live_stack import LiveStack, restart, running_stack

DELETE = "mutation($p: String!) { deleteAccount(password: $p) }"
REFRESH = "mutation($r: String!) { refreshToken(refreshToken: $r) { token } }"
LOG_IN = """mutation($e: String!, $p: String!) {
  logIn(email: $e, password: $p) { token refreshToken user { id } }
}"""
KEY = 'mutation { createApiKey(input: {name: "cron", scopes: [READ, WRITE]}) { key } }'
# Retry owed erasures often and let breakers close fast, so the tests need not wait long.
FAST_UPKEEP = {"GATEWAY_MAINTENANCE_INTERVAL_S": "0.3", "GATEWAY_BREAKER_RESET_TIMEOUT_S": "0.5"}
SETTLE_S = 30.0


@pytest.fixture
def stack(
    tmp_path_factory: pytest.TempPathFactory, make_databases: DatabaseSet
) -> Iterator[LiveStack]:
    """A stack of this test's own: these tests kill its processes."""
    workdir = tmp_path_factory.mktemp("erasure")
    with running_stack(workdir, make_databases("erasure"), extra_env=FAST_UPKEEP) as live:
        yield live


@dataclass(frozen=True)
class Victim:
    """A user with one of everything, a second session's refresh token, an API key, and the
    names of their image files."""

    user: LiveUser
    refresh: str
    key: str
    files: set[str]


async def _victim(http: httpx.AsyncClient, stack: LiveStack) -> Victim:
    graphql = GraphQLClient(http, stack.graphql_url)
    user = await sign_up(graphql)
    await give_everything(http, stack, user)
    login = (await graphql.execute(LOG_IN, {"e": user.email, "p": user.password})).ok()["logIn"]
    key = (await graphql.execute(KEY, token=user.token)).ok()["createApiKey"]["key"]
    return Victim(user, login["refreshToken"], key, _their_files(stack, user))


async def _delete_after_killing(
    http: httpx.AsyncClient, stack: LiveStack, process: Process
) -> tuple[GraphQLClient, Victim]:
    """Make a victim, SIGKILL `process`, delete the account: accepted, the erasure owed."""
    graphql = GraphQLClient(http, stack.graphql_url)
    victim = await _victim(http, stack)
    user = victim.user
    kill(process)
    deleted = await graphql.execute(DELETE, {"p": user.password}, token=user.token)
    assert deleted.ok() == {"deleteAccount": True}
    return graphql, victim


def _their_files(stack: LiveStack, user: LiveUser) -> set[str]:
    keys = storage_keys(stack, user.id)
    return {k for key in keys for k in (key, *derived_keys(key))} & image_files(stack)


async def _wait_until_erased(stack: LiveStack, user: LiveUser) -> None:
    deadline = time.monotonic() + SETTLE_S
    while any(owned_row_counts(stack, user.id).values()):
        assert time.monotonic() < deadline, owned_row_counts(stack, user.id)
        await asyncio.sleep(0.2)


async def _check_nothing_left(graphql: GraphQLClient, stack: LiveStack, victim: Victim) -> None:
    user, files, refresh, key = victim.user, victim.files, victim.refresh, victim.key
    assert owned_row_counts(stack, user.id) == dict.fromkeys(owned_row_counts(stack, user.id), 0)
    assert not files & image_files(stack)
    for credential in (user.token, key):
        refused = await graphql.execute("{ me { id } }", token=credential)
        assert refused.error_codes == ["UNAUTHENTICATED"]
    assert (await graphql.execute(REFRESH, {"r": refresh})).error_codes == ["UNAUTHENTICATED"]
    # The email signs in to nothing, or (signed up again) to the new account, never the old.
    logged_in = await graphql.execute(LOG_IN, {"e": user.email, "p": user.password})
    if logged_in.errors:
        assert logged_in.error_codes == ["UNAUTHENTICATED"]
    else:
        assert logged_in.ok()["logIn"]["user"]["id"] != user.id


async def _sign_up_again(graphql: GraphQLClient, user: LiveUser) -> str:
    """Sign the erased account's email up again: a new id; its token."""
    again = await graphql.execute(
        "mutation($e: String!, $p: String!) "
        "{ signUp(email: $e, password: $p) { token user { id } } }",
        {"e": user.email, "p": user.password},
    )
    payload = again.ok()["signUp"]
    assert payload["user"]["id"] != user.id
    token: str = payload["token"]
    return token


async def _is_empty(graphql: GraphQLClient, token: str) -> None:
    fresh = await read_everything(graphql, token)
    assert fresh["tags"] == [] and fresh["events"]["edges"] == []
    assert fresh["diaryEntries"]["edges"] == []


@pytest.mark.e2e
async def test_delete_account_removes_everything_and_only_that(stack: LiveStack) -> None:
    async with httpx.AsyncClient(timeout=60.0) as http:
        graphql = GraphQLClient(http, stack.graphql_url)
        victim = await _victim(http, stack)
        user = victim.user
        bystander = (await _victim(http, stack)).user
        kept = await read_everything(graphql, bystander.token)
        kept_rows = owned_row_counts(stack, bystander.id)
        assert len(victim.files) == 3  # two images and one thumbnail

        wrong = await graphql.execute(DELETE, {"p": "not the password"}, token=user.token)
        assert wrong.error_codes == ["BAD_USER_INPUT"]
        assert (await read_everything(graphql, user.token))["me"]["id"] == user.id

        assert (await graphql.execute(DELETE, {"p": user.password}, token=user.token)).ok() == {
            "deleteAccount": True
        }
        await _check_nothing_left(graphql, stack, victim)
        assert await read_everything(graphql, bystander.token) == kept
        assert owned_row_counts(stack, bystander.id) == kept_rows
        for entry in kept["diaryEntries"]["edges"]:
            for image in entry["node"]["images"]:
                assert (await http.get(image["url"])).status_code == 200
        await _is_empty(graphql, await _sign_up_again(graphql, user))


@pytest.mark.e2e
async def test_a_service_killed_mid_erasure_is_finished_after_its_restart(
    stack: LiveStack,
) -> None:
    async with httpx.AsyncClient(timeout=60.0) as http:
        graphql, victim = await _delete_after_killing(http, stack, stack.diary)
        user = victim.user
        # Gone for the user at once, even though the diary still holds the entries.
        refused = await graphql.execute("{ me { id } }", token=user.token)
        assert refused.error_codes == ["UNAUTHENTICATED"]
        left = owned_row_counts(stack, user.id)
        assert left["entry"] == 1 and left["account_deletion"] == 1 and left["tag"] == 0
        token = await _sign_up_again(graphql, user)  # the email is free already
        restart(stack.diary, stack.env)
        await _wait_until_erased(stack, user)
        await _check_nothing_left(graphql, stack, victim)
        await _is_empty(graphql, token)


@pytest.mark.e2e
async def test_the_gateway_killed_mid_erasure_finishes_it_at_its_next_start(
    stack: LiveStack,
) -> None:
    async with httpx.AsyncClient(timeout=60.0) as http:
        # The calendar's death stops the erasure after its first step...
        graphql, victim = await _delete_after_killing(http, stack, stack.calendar)
        kill(stack.gateway)  # ...and the gateway dies with it owed
        assert owned_row_counts(stack, victim.user.id)["account_deletion"] == 1
        restart(stack.calendar, stack.env)
        restart(stack.gateway, stack.env)
        await _wait_until_erased(stack, victim.user)
        await _check_nothing_left(graphql, stack, victim)
