"""Two users on the live stack: nulls for the other's ids, NOT_FOUND and BAD_USER_INPUT."""

from __future__ import annotations

import pytest

from tests.support.graphql_client import GraphQLClient, LiveUser, sign_up

pytestmark = pytest.mark.e2e


async def test_users_cannot_see_change_or_use_each_others_data(
    graphql: GraphQLClient, user: LiveUser
) -> None:
    other = await sign_up(graphql)
    tag = (
        await graphql.execute(
            'mutation { createTag(input: {name: "mine", color: "#123456"}) { id } }',
            token=user.token,
        )
    ).ok()["createTag"]
    event = (
        await graphql.execute(
            'mutation($t: ID!) { createEvent(input: {title: "private", '
            'startsAt: "2026-10-01T10:00:00Z", endsAt: "2026-10-01T11:00:00Z", tagIds: [$t]}) '
            "{ id } }",
            {"t": tag["id"]},
            token=user.token,
        )
    ).ok()["createEvent"]

    seen = (
        await graphql.execute(
            "query($e: ID!, $t: ID!) { event(id: $e) { id } tag(id: $t) { id } "
            "events { totalCount } tags { id } }",
            {"e": event["id"], "t": tag["id"]},
            token=other.token,
        )
    ).ok()
    assert seen == {"event": None, "tag": None, "events": {"totalCount": 0}, "tags": []}

    delete = await graphql.execute(
        "mutation($e: ID!) { deleteEvent(id: $e) }", {"e": event["id"]}, token=other.token
    )
    assert delete.error_codes == ["NOT_FOUND"]
    borrow = await graphql.execute(
        "mutation($t: ID!) { createDiaryEntry(input: "
        '{date: "2026-10-01", content: "x", tagIds: [$t]}) { id } }',
        {"t": tag["id"]},
        token=other.token,
    )
    assert borrow.error_codes == ["BAD_USER_INPUT"]
    assert borrow.errors[0]["extensions"]["field"] == "tagIds"

    still = (
        await graphql.execute(
            "query($e: ID!) { event(id: $e) { id tags { id } } }",
            {"e": event["id"]},
            token=user.token,
        )
    ).ok()
    assert still == {"event": {"id": event["id"], "tags": [{"id": tag["id"]}]}}
