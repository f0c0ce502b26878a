"""The contract end to end on the three real processes: a user's month, from sign-up to delete."""

from __future__ import annotations

import pytest

from tests.support.graphql_client import GraphQLClient, LiveUser

pytestmark = pytest.mark.e2e

CREATE_TAG = "mutation($i: TagInput!) { createTag(input: $i) { id name color } }"
CREATE_EVENT = """
mutation($i: CreateEventInput!) {
  createEvent(input: $i) { id title startsAt endsAt tags { id name } }
}"""
CREATE_ENTRY = """
mutation($i: CreateDiaryEntryInput!) {
  createDiaryEntry(input: $i) { id date content mood tags { name } }
}"""
MONTH = """
query Month($from: Date!, $to: Date!, $tz: String) {
  days(from: $from, to: $to, timeZone: $tz) {
    date
    events { id title tags { name } diaryEntries { id } }
    diaryEntries { id content mood tags { name } events { id } }
  }
}"""


async def test_a_month_from_sign_up_to_delete(graphql: GraphQLClient, user: LiveUser) -> None:
    me = (await graphql.execute("{ me { id email displayName } }", token=user.token)).ok()["me"]
    assert me == {"id": user.id, "email": user.email, "displayName": "E2E 사용자"}

    tag = (
        await graphql.execute(
            CREATE_TAG, {"i": {"name": "가족", "color": "#ff8800"}}, token=user.token
        )
    ).ok()["createTag"]
    assert tag["color"] == "#FF8800"
    # 22:30 UTC on the 14th is 07:30 on the 15th in Seoul.
    event = (
        await graphql.execute(
            CREATE_EVENT,
            {
                "i": {
                    "title": "Breakfast 🥐",
                    "startsAt": "2026-09-14T22:30:00Z",
                    "endsAt": "2026-09-14T23:30:00Z",
                    "tagIds": [tag["id"]],
                }
            },
            token=user.token,
        )
    ).ok()["createEvent"]
    entry = (
        await graphql.execute(
            CREATE_ENTRY,
            {
                "i": {
                    "date": "2026-09-15",
                    "content": "아침 🌅",
                    "mood": "CALM",
                    "tagIds": [tag["id"]],
                }
            },
            token=user.token,
        )
    ).ok()["createDiaryEntry"]

    month = (
        await graphql.execute(
            MONTH, {"from": "2026-09-01", "to": "2026-09-30", "tz": "Asia/Seoul"}, token=user.token
        )
    ).ok()["days"]
    assert len(month) == 30
    busy = {d["date"]: d for d in month if d["events"] or d["diaryEntries"]}
    assert list(busy) == ["2026-09-15"]
    day = busy["2026-09-15"]
    assert day["events"] == [
        {"id": event["id"], "title": "Breakfast 🥐", "tags": [{"name": "가족"}], "diaryEntries": []}
    ]
    assert day["diaryEntries"] == [
        {
            "id": entry["id"],
            "content": "아침 🌅",
            "mood": "CALM",
            "tags": [{"name": "가족"}],
            "events": [],  # the entry's UTC day (the 15th) has no event: it was on the 14th UTC
        }
    ]

    deleted = (
        await graphql.execute(f'mutation {{ deleteEvent(id: "{event["id"]}") }}', token=user.token)
    ).ok()
    assert deleted == {"deleteEvent": event["id"]}
    after = (
        await graphql.execute(
            MONTH, {"from": "2026-09-15", "to": "2026-09-15", "tz": "Asia/Seoul"}, token=user.token
        )
    ).ok()["days"]
    assert after[0]["events"] == []
    assert [e["id"] for e in after[0]["diaryEntries"]] == [entry["id"]]


async def test_requests_without_a_valid_token_are_refused(graphql: GraphQLClient) -> None:
    for token in (None, "forged.token.value"):
        result = await graphql.execute("{ me { id } events { totalCount } }", token=token)
        assert result.data == {"me": None, "events": None}
        assert result.error_codes == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
