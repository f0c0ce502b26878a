"""Deleting a tag while events and entries are created with it never leaves a link behind.

The calendar deletes the tag (and numbers the deletion), the diary retires its id: a link
written before the retirement is removed by it, one written after is refused. Ids are never
reused, so a new tag never inherits an old link. A deletion whose diary half was lost is
carried over by the gateway's tag sync (at start-up, then periodically).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from graph_gateway.clients.service_json import no_content
from graph_gateway.errors import BadUserInputError
from graph_gateway.settings import GatewaySettings
from graph_gateway.tag_sync import tidy_once
from tests.conftest import TEST_DB, DatabaseUrlFactory
from tests.graph_gateway.conftest import Gateway, error_codes
from tests.graph_gateway.factories import make_entry, make_tag
from tests.graph_gateway.test_tags import failing_diary_deletes

ROUNDS = 40 if TEST_DB == "sqlite" else 25
CREATE_EVENT = (
    'mutation($t: [ID!]) { createEvent(input: {title: "race", startsAt: "2026-03-10T10:00:00Z",'
    ' endsAt: "2026-03-10T11:00:00Z", tagIds: $t}) { id } }'
)
CREATE_ENTRY = (
    'mutation($t: [ID!]) { createDiaryEntry(input: {date: "2026-03-10", content: "race", '
    "tagIds: $t}) { id } }"
)
DELETE_TAG = "mutation($id: ID!) { deleteTag(id: $id) }"


def _as_sent(raw: dict[str, Any]) -> dict[str, Any]:
    return raw


async def _raw_tag_ids(gateway: Gateway, token: str) -> tuple[set[int], set[int]]:
    """Every tag id any of the user's events or entries links to, read from the services."""
    data = await gateway.ok(
        "{ events(first: 100) { edges { node { id } } } "
        "diaryEntries(first: 100) { edges { node { id } } } }",
        token=token,
    )
    user_id = int((await gateway.ok("{ me { id } }", token=token))["me"]["id"])
    event_ids = [int(e["node"]["id"]) for e in data["events"]["edges"]]
    entry_ids = [int(e["node"]["id"]) for e in data["diaryEntries"]["edges"]]
    calendar, diary = gateway.app.state.services.calendar, gateway.app.state.services.diary
    events = await calendar.call(
        "POST",
        "/events/batch",
        user_id=user_id,
        body={"ids": event_ids},
        parse=_as_sent,
        idempotent=True,
    )
    entries = await diary.call(
        "POST",
        "/entries/batch",
        user_id=user_id,
        body={"ids": entry_ids},
        parse=_as_sent,
        idempotent=True,
    )
    on_events = {t["id"] for e in events["items"] for t in e["tags"]}
    on_entries = {t for e in entries["items"] for t in e["tag_ids"]}
    return on_events, on_entries


async def test_create_with_tag_racing_delete_tag_leaves_no_link(
    gateway: Gateway, token: str
) -> None:
    deleted: set[int] = set()
    outcomes: dict[str, int] = {}
    for _ in range(ROUNDS):
        tag = await make_tag(gateway, token)
        tag_ids = {"t": [tag["id"]]}
        results = await asyncio.gather(
            gateway.post(CREATE_EVENT, tag_ids, token=token),
            gateway.post(CREATE_ENTRY, tag_ids, token=token),
            gateway.post(DELETE_TAG, {"id": tag["id"]}, token=token),
        )
        for name, body in zip(("event", "entry", "delete"), results, strict=True):
            codes = error_codes(body)
            assert codes in ([], ["BAD_USER_INPUT"]), body  # created, or refused the tag
            outcome = f"{name}:{'ok' if not codes else 'refused'}"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert error_codes(results[2]) == []
        deleted.add(int(tag["id"]))

    on_events, on_entries = await _raw_tag_ids(gateway, token)
    assert on_events == set() and on_entries == set(), outcomes
    fresh = await make_tag(gateway, token)
    assert int(fresh["id"]) > max(deleted), "a new tag never takes a deleted tag's id"
    tagged = await gateway.ok(
        "query($t: ID) { diaryEntries(tagId: $t) { totalCount } }", {"t": fresh["id"]}, token=token
    )
    assert tagged["diaryEntries"]["totalCount"] == 0


async def test_a_deleted_tag_is_refused_by_the_diary_for_good(gateway: Gateway, token: str) -> None:
    tag = await make_tag(gateway, token)
    await gateway.ok(DELETE_TAG, {"id": tag["id"]}, token=token)
    user_id = int((await gateway.ok("{ me { id } }", token=token))["me"]["id"])
    body = {"date": "2026-03-10", "content": "late", "tag_ids": [int(tag["id"])]}
    diary = gateway.app.state.services.diary
    with pytest.raises(BadUserInputError) as refused:
        await diary.call(
            "POST", "/entries", user_id=user_id, body=body, parse=no_content, idempotent=False
        )
    assert refused.value.field == "tagIds"


async def test_a_lost_diary_half_is_carried_over_by_the_tag_sync(
    gateway_settings: GatewaySettings, make_database_url: DatabaseUrlFactory, tmp_path: Path
) -> None:
    async with failing_diary_deletes(gateway_settings, make_database_url, tmp_path) as (
        gateway,
        _,
    ):
        token = await gateway.sign_up()
        tag = await make_tag(gateway, token)
        await make_entry(gateway, token, tagIds=[tag["id"]])
        # The diary never hears of the deletion (as if it, or the gateway, died in between).
        failed = await gateway.post(DELETE_TAG, {"id": tag["id"]}, token=token)
        assert error_codes(failed) == ["SERVICE_UNAVAILABLE"]
        assert (await _raw_tag_ids(gateway, token))[1] == {int(tag["id"])}

        services: Any = gateway.app.state.services
        await tidy_once(calendar=services.calendar, diary=services.diary, keys=services.idempotency)
        assert await _raw_tag_ids(gateway, token) == (set(), set())
