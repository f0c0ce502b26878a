"""Events through GraphQL: create, read, filter, page through, change and delete."""

from __future__ import annotations

from typing import Any

from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import EVENT_FIELDS, make_entry, make_event, make_tag

UPDATE = f"""
mutation($id: ID!, $input: UpdateEventInput!) {{
  updateEvent(id: $id, input: $input) {{ {EVENT_FIELDS} }}
}}"""
EVENTS_PAGE = """
query($first: Int, $after: String, $from: DateTime, $to: DateTime, $tagId: ID, $search: String) {
  events(first: $first, after: $after, from: $from, to: $to, tagId: $tagId, search: $search) {
    edges { cursor node { id title } } pageInfo { hasNextPage endCursor } totalCount
  }
}"""


async def test_create_and_read_an_event_with_tags(gateway: Gateway, token: str) -> None:
    work = await make_tag(gateway, token, name="Work")
    another = await make_tag(gateway, token, name="alpha")
    created = await make_event(
        gateway,
        token,
        title="  Lunch with 지수 🍜 ",
        description="Café e\u0301",
        location="Seoul",
        startsAt="2026-03-10T21:00:00+09:00",
        endsAt="2026-03-10T22:30:00+09:00",
        allDay=False,
        tagIds=[work["id"], another["id"]],
    )
    assert created["title"] == "Lunch with 지수 🍜"
    assert created["description"] == "Café e\u0301"
    assert created["startsAt"] == "2026-03-10T12:00:00+00:00"
    assert [t["name"] for t in created["tags"]] == ["alpha", "Work"]

    data = await gateway.ok(f'{{ event(id: "{created["id"]}") {{ {EVENT_FIELDS} }} }}', token=token)
    assert data["event"] == created


async def test_update_tells_absent_fields_from_explicit_nulls(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    event = await make_event(
        gateway, token, description="notes", location="Busan", tagIds=[tag["id"]]
    )
    renamed = (
        await gateway.ok(UPDATE, {"id": event["id"], "input": {"title": "Renamed"}}, token=token)
    )["updateEvent"]
    assert (renamed["title"], renamed["description"], renamed["location"]) == (
        "Renamed",
        "notes",
        "Busan",
    )
    assert renamed["tags"] == event["tags"]

    cleared = (
        await gateway.ok(
            UPDATE,
            {"id": event["id"], "input": {"description": None, "tagIds": []}},
            token=token,
        )
    )["updateEvent"]
    assert (cleared["title"], cleared["description"], cleared["location"]) == (
        "Renamed",
        None,
        "Busan",
    )
    assert cleared["tags"] == []


async def test_update_refusals_name_the_graphql_field(gateway: Gateway, token: str) -> None:
    event = await make_event(gateway, token)
    too_early = await gateway.post(
        UPDATE,
        {"id": event["id"], "input": {"endsAt": "2026-03-09T00:00:00+00:00"}},
        token=token,
    )
    assert too_early["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    null_title = await gateway.post(
        UPDATE, {"id": event["id"], "input": {"title": None}}, token=token
    )
    assert null_title["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "title"}
    missing = await gateway.post(UPDATE, {"id": "999999", "input": {"title": "x"}}, token=token)
    assert error_codes(missing) == ["NOT_FOUND"]
    nonsense = await gateway.post(UPDATE, {"id": "abc", "input": {"title": "x"}}, token=token)
    assert error_codes(nonsense) == ["NOT_FOUND"]


async def test_create_refusals_name_the_graphql_field(gateway: Gateway, token: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"title": "   "}, "title"),
        ({"endsAt": "2026-03-10T09:00:00+00:00"}, "endsAt"),
        ({"tagIds": ["424242"]}, "tagIds"),
        ({"tagIds": ["not-an-id"]}, "tagIds"),
        ({"startsAt": "2026-03-10T10:00:00"}, "startsAt"),
    ]
    for overrides, field in cases:
        event_input = {
            "title": "t",
            "startsAt": "2026-03-10T10:00:00+00:00",
            "endsAt": "2026-03-10T11:00:00+00:00",
            **overrides,
        }
        body = await gateway.post(
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }",
            {"i": event_input},
            token=token,
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (overrides, body)
        assert body["errors"][0]["extensions"]["field"] == field, (overrides, body)


async def test_delete_event(gateway: Gateway, token: str) -> None:
    event = await make_event(gateway, token)
    deleted = await gateway.ok(f'mutation {{ deleteEvent(id: "{event["id"]}") }}', token=token)
    assert deleted == {"deleteEvent": event["id"]}
    assert (await gateway.ok(f'{{ event(id: "{event["id"]}") {{ id }} }}', token=token)) == {
        "event": None
    }
    again = await gateway.post(f'mutation {{ deleteEvent(id: "{event["id"]}") }}', token=token)
    assert error_codes(again) == ["NOT_FOUND"]


async def test_paginate_events_to_the_end_with_any_edge_cursor(
    gateway: Gateway, token: str
) -> None:
    ids = [
        (
            await make_event(
                gateway,
                token,
                title=f"e{day}",
                startsAt=f"2026-04-{day:02}T09:00:00Z",
                endsAt=f"2026-04-{day:02}T10:00:00Z",
            )
        )["id"]
        for day in range(1, 8)
    ]
    seen: list[str] = []
    after = None
    while True:
        page = (await gateway.ok(EVENTS_PAGE, {"first": 3, "after": after}, token=token))["events"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids

    # Any edge's cursor continues right after that edge.
    first_page = (await gateway.ok(EVENTS_PAGE, {"first": 3}, token=token))["events"]
    middle = first_page["edges"][0]["cursor"]
    rest = (await gateway.ok(EVENTS_PAGE, {"first": 2, "after": middle}, token=token))["events"]
    assert [e["node"]["id"] for e in rest["edges"]] == ids[1:3]


async def test_filter_events_by_time_tag_and_text(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    early = await make_event(
        gateway,
        token,
        title="Dentist",
        startsAt="2026-05-01T08:00:00Z",
        endsAt="2026-05-01T09:00:00Z",
        tagIds=[tag["id"]],
    )
    late = await make_event(
        gateway,
        token,
        title="Dinner",
        description="100% 맛집",
        startsAt="2026-05-03T18:00:00Z",
        endsAt="2026-05-03T20:00:00Z",
    )

    async def titles(**variables: Any) -> list[str]:
        page = (await gateway.ok(EVENTS_PAGE, variables, token=token))["events"]
        return [e["node"]["title"] for e in page["edges"]]

    assert await titles(**{"from": "2026-05-02T00:00:00Z"}) == ["Dinner"]
    assert await titles(to="2026-05-01T08:30:00+00:00") == ["Dentist"]
    assert await titles(tagId=tag["id"]) == ["Dentist"]
    assert await titles(search="MAT") == []
    assert await titles(search="맛집") == ["Dinner"]
    assert await titles(search="100%") == ["Dinner"]
    assert {early["title"], late["title"]} == set(await titles())


async def test_first_out_of_range_is_refused_before_any_call(gateway: Gateway, token: str) -> None:
    gateway.reset_counts()
    for first in (0, 101, -1):
        body = await gateway.post(EVENTS_PAGE, {"first": first}, token=token)
        assert body["data"] == {"events": None}
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert gateway.calendar.calls == []


async def test_bad_filters_name_their_argument(gateway: Gateway, token: str) -> None:
    bad_cursor = await gateway.post(EVENTS_PAGE, {"after": "garbage!"}, token=token)
    assert bad_cursor["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    bad_tag = await gateway.post(EVENTS_PAGE, {"tagId": "x1"}, token=token)
    assert bad_tag["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagId"}


async def test_an_all_day_event_has_only_its_own_days_entries(gateway: Gateway, token: str) -> None:
    event = await make_event(
        gateway, token, allDay=True, startsAt="2026-03-10T00:00:00Z", endsAt="2026-03-11T00:00:00Z"
    )
    for day in ("2026-03-09", "2026-03-10", "2026-03-11"):
        await make_entry(gateway, token, date=day, content=day)
    data = await gateway.ok(
        f'{{ event(id: "{event["id"]}") {{ allDay diaryEntries {{ content }} }} }}', token=token
    )
    assert data == {"event": {"allDay": True, "diaryEntries": [{"content": "2026-03-10"}]}}
