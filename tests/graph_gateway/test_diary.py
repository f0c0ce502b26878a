"""Diary entries through GraphQL: write, read, filter, page through, change and delete."""

from __future__ import annotations

from typing import Any

from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import ENTRY_FIELDS, make_entry, make_event, make_tag

UPDATE = f"""
mutation($id: ID!, $input: UpdateDiaryEntryInput!) {{
  updateDiaryEntry(id: $id, input: $input) {{ {ENTRY_FIELDS} }}
}}"""
ENTRIES_PAGE = """
query($first: Int, $after: String, $from: Date, $to: Date, $mood: Mood, $tagId: ID) {
  diaryEntries(first: $first, after: $after, from: $from, to: $to, mood: $mood, tagId: $tagId) {
    edges { cursor node { id date } } pageInfo { hasNextPage endCursor } totalCount
  }
}"""


async def test_write_and_read_an_entry_across_services(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token, name="여행")
    event = await make_event(
        gateway,
        token,
        title="Flight",
        startsAt="2026-03-10T23:00:00Z",
        endsAt="2026-03-11T02:00:00Z",
    )
    entry = await make_entry(
        gateway,
        token,
        title="제주",
        mood="JOYFUL",
        weather="PARTLY_CLOUDY",
        tagIds=[tag["id"]],
        content="바다 🌊 e\u0301",
    )
    assert entry["content"] == "바다 🌊 e\u0301"
    assert (entry["mood"], entry["weather"]) == ("JOYFUL", "PARTLY_CLOUDY")
    assert entry["tags"] == [{"id": tag["id"], "name": "여행"}]
    assert entry["images"] == []

    data = await gateway.ok(
        f'{{ diaryEntry(id: "{entry["id"]}") {{ {ENTRY_FIELDS} events {{ id }} }} '
        f'event(id: "{event["id"]}") {{ diaryEntries {{ id }} }} }}',
        token=token,
    )
    assert data["diaryEntry"] == {**entry, "events": [{"id": event["id"]}]}
    assert data["event"] == {"diaryEntries": [{"id": entry["id"]}]}


async def test_update_tells_absent_fields_from_explicit_nulls(gateway: Gateway, token: str) -> None:
    entry = await make_entry(gateway, token, title="t", mood="SAD", weather="RAINY")
    changed = (
        await gateway.ok(UPDATE, {"id": entry["id"], "input": {"mood": "CALM"}}, token=token)
    )["updateDiaryEntry"]
    assert (changed["title"], changed["mood"], changed["weather"]) == ("t", "CALM", "RAINY")
    cleared = (
        await gateway.ok(
            UPDATE, {"id": entry["id"], "input": {"title": None, "weather": None}}, token=token
        )
    )["updateDiaryEntry"]
    assert (cleared["title"], cleared["mood"], cleared["weather"]) == (None, "CALM", None)
    assert cleared["content"] == entry["content"]


async def test_tag_ids_are_checked_against_the_calendar(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    for tag_ids in (["777777"], [tag["id"], "777777"], ["nope"]):
        body = await gateway.post(
            "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }",
            {"i": {"date": "2026-03-10", "content": "x", "tagIds": tag_ids}},
            token=token,
        )
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagIds"}
    entry = await make_entry(gateway, token)
    body = await gateway.post(
        UPDATE, {"id": entry["id"], "input": {"tagIds": ["777777"]}}, token=token
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagIds"}
    assert ("POST", "/entries") in gateway.diary.calls  # only the one good entry was written
    assert gateway.diary.calls.count(("POST", "/entries")) == 1


async def test_entry_refusals_name_the_field(gateway: Gateway, token: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"content": ""}, "content"),
        ({"title": "x" * 201}, "title"),
        ({"date": "1899-12-31"}, "date"),
    ]
    for overrides, field in cases:
        body = await gateway.post(
            "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }",
            {"i": {"date": "2026-03-10", "content": "x", **overrides}},
            token=token,
        )
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, body
    bad_mood = await gateway.post(
        "mutation { createDiaryEntry(input: "
        '{date: "2026-03-10", content: "x", mood: GREAT}) { id } }',
        token=token,
    )
    assert error_codes(bad_mood) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_filter_and_paginate_entries_to_the_end(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    ids = [
        (
            await make_entry(
                gateway,
                token,
                date=f"2026-07-{day:02}",
                mood="HAPPY" if day % 2 else "TIRED",
                tagIds=[tag["id"]] if day <= 2 else [],
            )
        )["id"]
        for day in range(1, 6)
    ]
    seen: list[str] = []
    after = None
    while True:
        page = (await gateway.ok(ENTRIES_PAGE, {"first": 2, "after": after}, token=token))[
            "diaryEntries"
        ]
        assert page["totalCount"] == 5
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids

    async def dates(**variables: Any) -> list[str]:
        page = (await gateway.ok(ENTRIES_PAGE, variables, token=token))["diaryEntries"]
        return [e["node"]["date"] for e in page["edges"]]

    assert await dates(**{"from": "2026-07-02", "to": "2026-07-03"}) == ["2026-07-02", "2026-07-03"]
    assert await dates(mood="TIRED") == ["2026-07-02", "2026-07-04"]
    assert await dates(tagId=tag["id"]) == ["2026-07-01", "2026-07-02"]
    bad = await gateway.post(ENTRIES_PAGE, {"first": 101}, token=token)
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_delete_entry(gateway: Gateway, token: str) -> None:
    entry = await make_entry(gateway, token)
    assert await gateway.ok(
        f'mutation {{ deleteDiaryEntry(id: "{entry["id"]}") }}', token=token
    ) == {"deleteDiaryEntry": entry["id"]}
    assert await gateway.ok(f'{{ diaryEntry(id: "{entry["id"]}") {{ id }} }}', token=token) == {
        "diaryEntry": None
    }
    again = await gateway.post(f'mutation {{ deleteDiaryEntry(id: "{entry["id"]}") }}', token=token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_too_many_tag_ids_are_refused_before_any_call(gateway: Gateway, token: str) -> None:
    gateway.reset_counts()
    body = await gateway.post(
        "mutation($i: CreateDiaryEntryInput!) { createDiaryEntry(input: $i) { id } }",
        {"i": {"date": "2026-03-10", "content": "x", "tagIds": [str(n) for n in range(1, 52)]}},
        token=token,
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagIds"}
    assert gateway.calendar.calls == gateway.diary.calls == []
