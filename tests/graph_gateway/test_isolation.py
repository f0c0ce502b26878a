"""Two users: neither sees, changes nor learns of the other's data through the gateway."""

from __future__ import annotations

from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import make_entry, make_event, make_tag


async def test_two_users_are_isolated(gateway: Gateway) -> None:
    alice = await gateway.sign_up()
    bob = await gateway.sign_up()
    tag = await make_tag(gateway, alice, name="private")
    event = await make_event(gateway, alice, tagIds=[tag["id"]])
    entry = await make_entry(gateway, alice, tagIds=[tag["id"]])

    reads = await gateway.ok(
        f'{{ event(id: "{event["id"]}") {{ id }} tag(id: "{tag["id"]}") {{ id }} '
        f'diaryEntry(id: "{entry["id"]}") {{ id }} tags {{ id }} '
        "events { totalCount } diaryEntries { totalCount } "
        'days(from: "2026-03-10", to: "2026-03-10") { events { id } diaryEntries { id } } }',
        token=bob,
    )
    assert reads == {
        "event": None,
        "tag": None,
        "diaryEntry": None,
        "tags": [],
        "events": {"totalCount": 0},
        "diaryEntries": {"totalCount": 0},
        "days": [{"events": [], "diaryEntries": []}],
    }

    mutations = [
        f'updateEvent(id: "{event["id"]}", input: {{title: "mine"}}) {{ id }}',
        f'deleteEvent(id: "{event["id"]}")',
        f'updateTag(id: "{tag["id"]}", input: {{name: "mine", color: "#000000"}}) {{ id }}',
        f'deleteTag(id: "{tag["id"]}")',
        f'updateDiaryEntry(id: "{entry["id"]}", input: {{content: "mine"}}) {{ id }}',
        f'deleteDiaryEntry(id: "{entry["id"]}")',
    ]
    for mutation in mutations:
        assert error_codes(await gateway.post(f"mutation {{ {mutation} }}", token=bob)) == [
            "NOT_FOUND"
        ], mutation

    for create in (
        f'createEvent(input: {{title: "t", startsAt: "2026-03-10T10:00:00Z", '
        f'endsAt: "2026-03-10T11:00:00Z", tagIds: ["{tag["id"]}"]}}) {{ id }}',
        f'createDiaryEntry(input: {{date: "2026-03-10", content: "x", '
        f'tagIds: ["{tag["id"]}"]}}) {{ id }}',
    ):
        body = await gateway.post(f"mutation {{ {create} }}", token=bob)
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "tagIds"}

    # Alice's data is untouched by all of that.
    mine = await gateway.ok(
        f'{{ event(id: "{event["id"]}") {{ title tags {{ id }} }} '
        f'diaryEntry(id: "{entry["id"]}") {{ content tags {{ id }} }} }}',
        token=alice,
    )
    assert mine == {
        "event": {"title": event["title"], "tags": [{"id": tag["id"]}]},
        "diaryEntry": {"content": entry["content"], "tags": [{"id": tag["id"]}]},
    }
