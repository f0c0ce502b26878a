"""A user with a tagged event and a diary entry in September 2026, and the month-view query."""

from __future__ import annotations

from collections.abc import Mapping

from tests.support.graphql_client import GraphQLClient, GraphQLResult, LiveUser

MONTH = """
query Month($from: Date!, $to: Date!) {
  days(from: $from, to: $to, timeZone: "Asia/Seoul") {
    date
    events { id title tags { name } diaryEntries { id } }
    diaryEntries { id content tags { name } events { id } }
  }
}"""


async def seed_month(client: GraphQLClient, user: LiveUser) -> None:
    """One tag, one event on it and one diary entry on it, in September 2026."""
    tag = (
        await client.execute(
            "mutation($i: TagInput!) { createTag(input: $i) { id } }",
            {"i": {"name": "가족", "color": "#ff8800"}},
            token=user.token,
        )
    ).ok()["createTag"]["id"]
    event = {
        "title": "Breakfast 🥐",
        "startsAt": "2026-09-14T22:30:00Z",
        "endsAt": "2026-09-14T23:30:00Z",
        "tagIds": [tag],
    }
    (
        await client.execute(
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }",
            {"i": event},
            token=user.token,
        )
    ).ok()
    entry = {"date": "2026-09-15", "content": "아침 🌅", "tagIds": [tag]}
    (
        await client.execute(
            "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }",
            {"i": entry},
            token=user.token,
        )
    ).ok()


async def month_view(
    client: GraphQLClient, user: LiveUser, *, headers: Mapping[str, str] | None = None
) -> GraphQLResult:
    """September 2026 in Seoul's days."""
    return await client.execute(
        MONTH, {"from": "2026-09-01", "to": "2026-09-30"}, token=user.token, headers=headers
    )
